#!/usr/bin/env bash
# Builds the Debian package from a build tree with CPack and checks it:
# files and paths, control fields, conffiles, and the maintainer scripts
# (syntax, and postinst run against stub adduser/getent/systemctl: it
# creates both accounts once, and enables or starts nothing).
#
# Usage: build_deb.sh BUILD_DIR
#
# cpack first runs the tree's `preinstall` step, i.e. builds what is out of
# date (nothing, when CTest runs after the build). Exit 77 (skipped) without
# cpack, dpkg-deb or dpkg-shlibdeps (Debian packages: cmake, dpkg-dev).
set -euo pipefail

build=${1:?usage: build_deb.sh BUILD_DIR}

for tool in cpack dpkg-deb dpkg-shlibdeps; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool not found (apt-get install cmake dpkg-dev)"
        exit 77
    fi
done
if [[ ! -f $build/CPackConfig.cmake ]]; then
    echo "FAIL: $build/CPackConfig.cmake missing (configure the tree first)"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() {
    echo "FAIL: $*"
    failed=1
}

if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log"
    echo "FAIL: cpack -G DEB"
    exit 1
fi
debs=("$tmp"/out/*.deb)
if ((${#debs[@]} != 1)) || [[ ! -f ${debs[0]} ]]; then
    fail "expected one .deb in $tmp/out, found: ${debs[*]}"
    exit 1
fi
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# --- files ---------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $1, $6}' >"$tmp/contents"
# has MODE PATH: the package holds PATH with permissions matching MODE (a regex).
has() {
    grep -qE "^$1 \\./${2}\$" "$tmp/contents" || fail "package lacks $2 (mode $1)"
}
for bin in proxyd vrrpd floatip; do has '-rwxr-xr-x' "usr/sbin/$bin"; done
has '-rwxr-xr-x' usr/libexec/hapair/floatip-notify-master
for unit in proxyd vrrpd; do has '-rw-r--r--' "usr/lib/systemd/system/$unit.service"; done
for file in proxyd/proxyd.ini default/proxyd vrrpd/vrrpd.ini sysctl.d/90-vrrpd.conf rsyslog.d/49-hapair.conf logrotate.d/hapair; do
    has '-rw-r--r--' "etc/$file"
done
has '-rw-r--r--' usr/share/doc/hapair/README.md
has '-rw-r--r--' usr/share/doc/hapair/examples/vrrpd-floatip
if grep -qE ' \./usr/(etc|local)/' "$tmp/contents"; then
    fail "files under /usr/etc or /usr/local:"
    grep -E ' \./usr/(etc|local)/' "$tmp/contents"
fi

# --- control -------------------------------------------------------------
dpkg-deb -e "$deb" "$tmp/control"
control=$tmp/control/control
field() { sed -n "s/^$1: //p" "$control"; }
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[[ $(field Package) == hapair ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version-1" ]] || fail "Version: $(field Version), expected $version-1"
[[ $(field Section) == net ]] || fail "Section: $(field Section)"
[[ -n $(field Maintainer) ]] || fail "no Maintainer"
[[ -n $(field Description) ]] || fail "no Description"
depends=$(field Depends)
# libc6 and libev4 come from dpkg-shlibdeps; adduser and procps are ours.
for dep in libc6 libev4 adduser procps; do
    [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done

# Every /etc file is a conffile, and every conffile is in the package.
etc_files=$(awk '$2 ~ /^\.\/etc\/.*[^\/]$/ {print substr($2, 2)}' "$tmp/contents" | sort)
conffiles=$(sort "$tmp/control/conffiles")
[[ $etc_files == "$conffiles" ]] || fail "conffiles ($conffiles) differ from the files in /etc ($etc_files)"

# --- maintainer scripts --------------------------------------------------
for script in postinst prerm postrm; do
    if [[ ! -x $tmp/control/$script ]]; then
        fail "$script missing or not executable"
    elif ! sh -n "$tmp/control/$script"; then
        fail "$script: syntax error"
    fi
done
postinst=$tmp/control/postinst
for user in proxyd vrrpd-script; do
    grep -qE "^ *create_system_user $user\$" "$postinst" || fail "postinst does not create $user"
done
grep -q 'adduser --system --group --no-create-home --home /nonexistent --quiet' "$postinst" ||
    fail "postinst lacks the adduser --system line"
if grep -nE 'systemctl +(enable|start|restart)|deb-systemd-(helper|invoke)|invoke-rc.d +(proxyd|vrrpd)' "$postinst"; then
    fail "postinst enables or starts a service (lines above)"
fi

# postinst against stubs: the first configure creates both accounts, a
# second one (the accounts now exist) creates nothing.
stubs=$tmp/stubs
mkdir -p "$stubs"
cat >"$stubs/adduser" <<'EOF'
#!/bin/sh
echo "adduser $*" >>"$STUB_LOG"
for name; do :; done
echo "$name" >>"$STUB_USERS"
EOF
cat >"$stubs/getent" <<'EOF'
#!/bin/sh
[ "$1" = passwd ] && grep -qx "$2" "$STUB_USERS"
EOF
for tool in systemctl invoke-rc.d deb-systemd-invoke deb-systemd-helper; do
    # shellcheck disable=SC2016 # $* and $STUB_LOG belong to the stub
    printf '#!/bin/sh\necho "%s $*" >>"$STUB_LOG"\n' "$tool" >"$stubs/$tool"
done
chmod +x "$stubs"/*
export STUB_LOG=$tmp/stub.log STUB_USERS=$tmp/users
: >"$STUB_LOG"
: >"$STUB_USERS"
PATH=$stubs:$PATH sh "$postinst" configure || fail "postinst configure exited $?"
adds=$(grep -c '^adduser ' "$STUB_LOG" || true)
[[ $adds == 2 ]] || fail "postinst ran adduser $adds times, expected 2"
grep -qx 'adduser --system --group --no-create-home --home /nonexistent --quiet proxyd' "$STUB_LOG" ||
    fail "no adduser for proxyd"
grep -qx 'adduser --system --group --no-create-home --home /nonexistent --quiet vrrpd-script' "$STUB_LOG" ||
    fail "no adduser for vrrpd-script"
: >"$STUB_LOG"
PATH=$stubs:$PATH sh "$postinst" configure 0.1.0-1 || fail "second postinst configure exited $?"
if grep '^adduser ' "$STUB_LOG"; then fail "second postinst configure ran adduser"; fi
if grep -E '(enable|start) +(proxyd|vrrpd)' "$STUB_LOG"; then fail "postinst started or enabled a daemon"; fi

if ((failed == 0)); then
    echo "PASS: $(basename "$deb"): $(grep -c . "$tmp/contents") entries, Depends: $depends"
fi
exit "$failed"
