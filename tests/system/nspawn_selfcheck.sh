#!/bin/bash
# nspawn_selfcheck.sh: prove that nspawn_lib.sh works on this host.
#
# Builds (or reuses) the cached Debian 12 root, creates the test network,
# boots containers lb1 and lb2, checks networking, hardened transient
# services, the journal and exit codes inside, then stops everything and
# checks that nothing is left behind. Prints timings.
#
# Usage: tests/system/nspawn_selfcheck.sh   (as root)
# Environment: SYS_CACHE_DIR (default <repo>/build/system-cache), plus the
# tunables of nspawn_lib.sh. Exit status: 0 pass, 1 fail, 77 skipped.
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=nspawn_lib.sh
source "$here/nspawn_lib.sh"

cache=${SYS_CACHE_DIR:-$here/../../build/system-cache}
prefix=hsc$$
failures=0

sys_host_check || exit $?

work=$(mktemp -d "${TMPDIR:-/tmp}/nspawn-selfcheck.XXXXXX")
# Containers of this run only, so sys_stop_all does not touch others.
# shellcheck disable=SC2034 # used by nspawn_lib.sh
SYS_STATE_DIR=$work/state

cleanup() {
    local rc=$?
    trap - EXIT
    sys_stop_all
    sys_net_down "$prefix"
    _sys_remove_tree "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { printf 'PASS: %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*"
    failures=$((failures + 1))
}
not() { ! "$@"; }
# check DESCRIPTION CMD...: PASS if CMD succeeds.
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

t=$(_sys_now)
sys_rootfs_ensure "$cache"
echo "TIME: rootfs ensure $(sys_elapsed "$t") s"

sys_net_up "$prefix"
for n in lb1 lb2; do
    t=$(_sys_now)
    sys_boot "$n" "$prefix-$n" "$cache" "$work"
    echo "TIME: boot $n $(sys_elapsed "$t") s"
done

# System state: running, not degraded.
for n in lb1 lb2; do
    state=$(sys_exec "$n" systemctl is-system-running || true)
    check "$n is-system-running = running ($state)" test "$state" = running
done

# Hostname and machine id are per container.
check "hostname of lb1 is lb1" test "$(sys_exec lb1 hostname)" = lb1
check "machine ids differ" test "$(sys_exec lb1 cat /etc/machine-id)" != \
    "$(sys_exec lb2 cat /etc/machine-id)"

# eth1 kept its address through the boot (nothing inside reconfigured it).
# eth1_has NAME ADDR: eth1 inside container NAME carries ADDR.
eth1_has() { sys_exec "$1" ip -4 -o addr show dev eth1 | grep "inet $2 " >/dev/null; }
check "lb1 eth1 has 10.0.0.11/24" eth1_has lb1 10.0.0.11/24
check "lb2 eth1 has 10.0.0.12/24" eth1_has lb2 10.0.0.12/24
check "ping lb1 -> 10.0.0.12" sys_exec lb1 ping -c1 -W2 10.0.0.12
check "ping lb2 -> 10.0.0.11" sys_exec lb2 ping -c1 -W2 10.0.0.11

# Exit codes and stdin pass through sys_exec.
rc=0
sys_exec lb1 sh -c 'exit 3' || rc=$?
check "sys_exec passes exit code 3 ($rc)" test "$rc" = 3
check "sys_exec passes stdin" test "$(echo hello | sys_exec lb1 cat)" = hello

# Transient hardened services (needs working cgroups inside).
check "systemd-run ProtectSystem/PrivateTmp/CapabilityBoundingSet" \
    sys_exec lb1 systemd-run --quiet --wait -p ProtectSystem=strict \
    -p PrivateTmp=yes -p CapabilityBoundingSet=CAP_NET_ADMIN /bin/true
# The hardening of the hapair units (etc/systemd/vrrpd.service,
# proxyd.service) in one transient service; it must see its limits.
hardening=(
    -p "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_SETUID CAP_SETGID CAP_KILL"
    -p NoNewPrivileges=yes -p ProtectSystem=strict -p ReadWritePaths=/run
    -p RuntimeDirectory=selfcheck -p ProtectHome=yes -p PrivateTmp=yes
    -p PrivateDevices=yes -p PrivateMounts=yes -p ProtectProc=invisible
    -p ProtectKernelTunables=yes -p ProtectKernelModules=yes
    -p ProtectKernelLogs=yes -p ProtectControlGroups=yes -p ProtectClock=yes
    -p ProtectHostname=yes
    -p "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK AF_PACKET"
    -p RestrictNamespaces=yes -p RestrictRealtime=yes -p RestrictSUIDSGID=yes
    -p LockPersonality=yes -p MemoryDenyWriteExecute=yes
    -p SystemCallArchitectures=native -p SystemCallFilter=@system-service
    -p SystemCallErrorNumber=EPERM -p LimitNOFILE=1048576
)
out=$(sys_exec lb1 systemd-run --quiet --wait --pipe "${hardening[@]}" \
    /bin/sh -c 'grep -E "^(CapBnd|NoNewPrivs|Seccomp):" /proc/self/status
                ulimit -n
                touch /usr/selfcheck 2>/dev/null && echo usr-writable
                ls /dev | wc -l
                cat /proc/self/cgroup' 2>&1) || true
printf '%s\n' "$out" | sed 's/^/  | /'
check "hardened service: capability bounding set" grep -q 'CapBnd:.*00000000000030e0$' <<<"$out"
check "hardened service: seccomp filter" grep -q '^Seccomp:.*2' <<<"$out"
check "hardened service: /usr read-only" not grep -q usr-writable <<<"$out"
# LimitNOFILE=1048576 is clamped to the hard limit the container got from
# the host when that cannot be raised (no CAP_SYS_RESOURCE on the test VM).
if prlimit --nofile=1048576:1048576 true 2>/dev/null; then
    nofile=1048576
else
    nofile=$(ulimit -Hn)
    echo "NOTE: host cannot raise RLIMIT_NOFILE; LimitNOFILE= is capped at $nofile"
fi
check "hardened service: LimitNOFILE=1048576 gives $nofile" grep -qx "$nofile" <<<"$out"
check "hardened service: in its own cgroup" grep -q 'run-u[0-9]*\.service' <<<"$out"

# Journal: a message logged by a unit is found by journalctl.
marker=selfcheck-marker-$$
sys_exec lb1 systemd-run --quiet --wait -u selfcheck-marker /bin/echo "$marker"
found=no
for _ in $(seq 50); do
    if sys_exec lb1 journalctl --no-pager -u selfcheck-marker | grep "$marker" >/dev/null; then
        found=yes
        break
    fi
    sleep 0.1
done
check "journalctl finds the marker" test "$found" = yes
lines=$(sys_exec lb1 journalctl --no-pager -b | wc -l)
check "journalctl -b returns lines ($lines)" test "$lines" -gt 10

# The run-time dependencies of the hapair package are in the root.
check "hapair run-time libraries installed" sys_exec lb1 dpkg-query -W \
    libev4 libssl3 libnl-3-200 libnl-route-3-200 libinih1 libcurl4 libfmt9 \
    libsystemd0 libcap-ng0 libasan8 libubsan1 adduser procps rsyslog logrotate \
    >/dev/null

cgroups=()
for n in lb1 lb2; do
    cgroups+=("$(_sys_state "$n" cgroup)")
    t=$(_sys_now)
    sys_stop "$n"
    echo "TIME: stop $n $(sys_elapsed "$t") s"
done

# Nothing left behind but the console logs, and eth1 survives in the netns.
# mounts_under DIR: prints the mount points below DIR.
mounts_under() { awk -v d="$1" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo; }
check "no mounts left under $work" test -z "$(mounts_under "$work")"
check "no writable copies left" test ! -e "$work/lb1" -a ! -e "$work/lb2"
# cgroups_left REL...: prints the cgroups REL that still exist.
cgroups_left() {
    local rel tree
    for rel in "$@"; do
        for tree in $(_sys_cgroup_trees); do
            [[ ! -d $tree/$rel ]] || echo "$tree/$rel"
        done
    done
}
check "no container cgroups left" test -z "$(cgroups_left "${cgroups[@]}")"
check "eth1 in $prefix-lb1 kept its address" \
    sh -c "ip -n '$prefix-lb1' -4 -o addr show dev eth1 | grep 10.0.0.11/24 >/dev/null"

sys_net_down "$prefix"
check "network namespaces removed" \
    sh -c "! ip netns list | grep -q '^$prefix-'"

if ((failures)); then
    echo "nspawn selfcheck: $failures check(s) failed"
    exit 1
fi
echo "nspawn selfcheck: all checks passed"
