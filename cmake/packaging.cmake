# Packaging: the system integration files under etc/, and a Debian package
# built by CPack (`cpack -G DEB` in a build tree; README "Installing").
#
# Configuration files are installed relative to the prefix like everything
# else (etc/proxyd/proxyd.ini ...), so `cmake --install build --prefix DIR`
# keeps every file under DIR. With the prefix /usr (the package, or a system
# install) they belong in /etc, not /usr/etc: the last install step below
# moves them there.

# Logging and kernel settings for the pair (README "Installing").
install(FILES etc/sysctl.d/90-vrrpd.conf DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/sysctl.d)
install(FILES etc/rsyslog.d/49-hapair.conf DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/rsyslog.d)
install(FILES etc/logrotate.d/hapair DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/logrotate.d)

# Every file installed under etc/, relative to it: moved to /etc for the
# prefix /usr, and the package's conffiles (dpkg keeps local edits on
# upgrade). The first three come from the install rules in CMakeLists.txt.
set(HAPAIR_CONFIG_FILES
    proxyd/proxyd.ini
    default/proxyd
    default/vrrpd
    vrrpd/vrrpd.ini
    sysctl.d/90-vrrpd.conf
    rsyslog.d/49-hapair.conf
    logrotate.d/hapair)

# Runs after every other install rule (this file is included last). A file
# already in /etc that differs is kept, and the new one is put next to it
# as FILE.dist: an install never overwrites a site's configuration.
install(CODE "set(hapair_config_files \"${HAPAIR_CONFIG_FILES}\")")
install(CODE [[
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(destdir "$ENV{DESTDIR}")
    foreach(file IN LISTS hapair_config_files)
      set(from "/usr/etc/${file}")
      set(to "/etc/${file}")
      if(NOT EXISTS "${destdir}${from}")
        continue()
      endif()
      if(EXISTS "${destdir}${to}")
        file(SHA256 "${destdir}${from}" new_sum)
        file(SHA256 "${destdir}${to}" old_sum)
        if(NOT new_sum STREQUAL old_sum)
          message(STATUS "Keeping: ${destdir}${to} (the new version is ${to}.dist)")
          set(to "${to}.dist")
        endif()
      endif()
      get_filename_component(dir "${destdir}${to}" DIRECTORY)
      file(MAKE_DIRECTORY "${dir}")
      file(RENAME "${destdir}${from}" "${destdir}${to}")
      message(STATUS "Moved to: ${destdir}${to}")
      # install_manifest.txt lists paths without DESTDIR.
      list(REMOVE_ITEM CMAKE_INSTALL_MANIFEST_FILES "${from}")
      list(APPEND CMAKE_INSTALL_MANIFEST_FILES "${to}")
      # Remove the directories left empty under /usr/etc.
      get_filename_component(dir "${destdir}${from}" DIRECTORY)
      while(NOT dir STREQUAL "${destdir}/usr")
        file(GLOB left "${dir}/*")
        if(left)
          break()
        endif()
        file(REMOVE_RECURSE "${dir}")
        get_filename_component(dir "${dir}" DIRECTORY)
      endwhile()
    endforeach()
  endif()
]])

# --- Debian package -------------------------------------------------------

set(HAPAIR_PACKAGE_MAINTAINER "hapair maintainers <maintainers@users.noreply.h-seed-8d2872e2.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hapair)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${HAPAIR_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "Two cooperating daemons replacing the classic HAProxy + Keepalived setup.
proxyd is an event-driven TCP and HTTP/1.1 reverse proxy and load balancer
that binds the floating IP (VIP) on both nodes with IP_FREEBIND. vrrpd runs
VRRP v2/v3 (multicast or unicast), moves the VIP, tracks proxyd and runs
keepalived-style notify scripts. floatip moves a DigitalOcean reserved IP
from a notify script.")
# Binaries in /usr/sbin, units in /usr/lib/systemd/system; configuration in
# /etc (see above).
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies come from dpkg-shlibdeps (dpkg-dev). adduser runs in
# postinst; procps provides the /bin/kill of ExecReload.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, procps")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "rsyslog, logrotate")

# Maintainer scripts. postinst creates the accounts and never enables or
# starts a service: the example configurations must be edited first (the
# vrrpd one would claim 10.0.0.10 on eth1), and which node becomes MASTER is
# the operator's decision. An upgrade does not restart running daemons either:
# restart them node by node, the BACKUP first.
set(hapair_debian_dir ${PROJECT_BINARY_DIR}/debian)
file(CONFIGURE OUTPUT ${hapair_debian_dir}/postinst @ONLY CONTENT [=[#!/bin/sh
# postinst of hapair: accounts, nothing enabled or started.
set -e

# create_system_user NAME: a system user and group NAME, no home, no shell.
create_system_user() {
    getent passwd "$1" >/dev/null && return 0
    if getent group "$1" >/dev/null; then
        adduser --system --ingroup "$1" --no-create-home --home /nonexistent --quiet "$1"
    else
        adduser --system --group --no-create-home --home /nonexistent --quiet "$1"
    fi
}

if [ "$1" = configure ]; then
    # proxyd switches to it after binding (user = proxyd in proxyd.ini).
    create_system_user proxyd
    # vrrpd runs notify and track scripts as it (script_user's default).
    create_system_user vrrpd-script
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
        # Pick up /etc/rsyslog.d/49-hapair.conf if rsyslog is running.
        if command -v invoke-rc.d >/dev/null; then
            invoke-rc.d rsyslog try-restart >/dev/null 2>&1 || true
        fi
    fi
fi

exit 0
]=])
file(CONFIGURE OUTPUT ${hapair_debian_dir}/prerm @ONLY CONTENT [=[#!/bin/sh
# prerm of hapair: stop the daemons when the package goes away (not on
# upgrade). vrrpd is ordered after proxyd, so it stops first and hands the
# VIP to the peer before proxyd closes its listeners.
set -e

if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop vrrpd.service proxyd.service >/dev/null 2>&1 || true
fi

exit 0
]=])
file(CONFIGURE OUTPUT ${hapair_debian_dir}/postrm @ONLY CONTENT [=[#!/bin/sh
# postrm of hapair: forget the removed units. The proxyd and vrrpd-script
# accounts and the logs stay, as Debian does for system users.
set -e

if [ "$1" = remove ] || [ "$1" = purge ]; then
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
    fi
fi

exit 0
]=])
list(TRANSFORM HAPAIR_CONFIG_FILES PREPEND /etc/ OUTPUT_VARIABLE hapair_conffiles)
list(JOIN hapair_conffiles "\n" hapair_conffiles)
file(CONFIGURE OUTPUT ${hapair_debian_dir}/conffiles CONTENT "${hapair_conffiles}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${hapair_debian_dir}/conffiles ${hapair_debian_dir}/postinst ${hapair_debian_dir}/prerm
    ${hapair_debian_dir}/postrm)
# 0755 for the scripts, 0644 for conffiles, whatever the umask.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# `make package_source`: the tree without build directories and git data.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.cache/")

include(CPack)
