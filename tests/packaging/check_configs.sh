#!/usr/bin/env bash
# Syntax of the system integration files under etc/: the rsyslog snippet
# (rsyslogd -N1), the logrotate snippet (logrotate -d: reads, rotates
# nothing), and the sysctl file (every setting, commented out or not, names
# a key this kernel has, so the documented knobs are not typos).
#
# Usage: check_configs.sh SOURCE_DIR
#
# Each check runs when its tool is installed; exit 77 (skipped) when none
# could run (Debian packages: rsyslog, logrotate, procps).
set -euo pipefail

source_dir=${1:?usage: check_configs.sh SOURCE_DIR}
etc=$source_dir/etc

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
ran=0

if command -v rsyslogd >/dev/null || [[ -x /usr/sbin/rsyslogd ]]; then
    ran=1
    rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
    # shellcheck disable=SC2016 # rsyslog's directive, not a shell variable
    printf '$IncludeConfig %s\n' "$etc/rsyslog.d/49-hapair.conf" >"$tmp/rsyslog.conf"
    if "$rsyslogd" -N1 -f "$tmp/rsyslog.conf" >"$tmp/rsyslog.log" 2>&1; then
        echo "ok: rsyslog.d/49-hapair.conf"
    else
        cat "$tmp/rsyslog.log"
        echo "FAIL: rsyslogd -N1 rejects rsyslog.d/49-hapair.conf"
        failed=1
    fi
else
    echo "skipped: rsyslogd not installed"
fi

if command -v logrotate >/dev/null || [[ -x /usr/sbin/logrotate ]]; then
    ran=1
    logrotate=$(command -v logrotate || echo /usr/sbin/logrotate)
    if "$logrotate" -d -s "$tmp/logrotate.state" "$etc/logrotate.d/hapair" >"$tmp/logrotate.log" 2>&1 &&
        ! grep -qiE '^error|unknown option|unexpected' "$tmp/logrotate.log"; then
        echo "ok: logrotate.d/hapair"
    else
        cat "$tmp/logrotate.log"
        echo "FAIL: logrotate -d rejects logrotate.d/hapair"
        failed=1
    fi
else
    echo "skipped: logrotate not installed"
fi

if [[ -d /proc/sys/net/ipv4 ]]; then
    ran=1
    # "key = value" lines, commented out or not.
    while read -r key; do
        if [[ -e /proc/sys/${key//.//} ]]; then
            echo "ok: sysctl $key"
        else
            echo "FAIL: sysctl.d/90-vrrpd.conf names $key, which /proc/sys does not have"
            failed=1
        fi
    done < <(sed -nE 's/^#?([a-z0-9_.]+) *= *.*/\1/p' "$etc/sysctl.d/90-vrrpd.conf")
fi

if ((ran == 0)); then
    echo "SKIP: neither rsyslogd, logrotate nor /proc/sys available"
    exit 77
fi
exit "$failed"
