#!/bin/bash
# system_test.sh BUILD_DIR: what a new user installs is what we test.
#
# Builds the Debian package from BUILD_DIR (cpack; nothing is compiled
# twice), boots two Debian 12 containers under systemd (systemd-nspawn -b,
# tests/system/nspawn_lib.sh) in network namespaces bridged with a client and
# two web servers, installs the package on both with the shipped
# configuration, sets lb2's priority to 100 (the one setting that differs),
# enables the units and checks the pair as systemd runs it:
#   - the VIP on lb1; kill -9 of proxyd on lb1 moves it to lb2 within 1 s
#     and back once systemd has restarted proxyd (5 times: the client-visible
#     outage, median, is a figure);
#   - systemctl reload of each unit on each node: VIP kept, no failed request;
#   - systemctl stop vrrpd on the master hands over with a priority-0 advert;
#   - kill -9 / systemctl restart of vrrpd leave no stale VIP;
#   - journal and rsyslog (/var/log/vrrpd.log, /var/log/proxyd.log) hold the
#     keepalived- and HAProxy-shaped lines;
#   - the sandbox: capability sets as README.md documents them, and
#     systemd-analyze security exposure scores (figures, with a ceiling).
#
# The package holds this build's binaries: in the ASan+UBSan build of
# scripts/test.sh they need libasan8/libubsan1 (in the root) and a drop-in
# with ASAN_OPTIONS=detect_leaks=0: LeakSanitizer stops the world with
# ptrace, which SystemCallFilter=@system-service refuses, and would turn every
# clean exit into a failure. Nothing else differs from a release install.
#
# Exit status: 0 pass, 1 fail, 77 skipped (not root, or systemd-nspawn,
# debootstrap or network namespaces unavailable). Environment:
# SYS_CACHE_DIR (default BUILD_DIR/../system-cache), SYS_KEEP=1 leaves the
# containers running on failure for a look (sys_exec lb1 journalctl).
set -euo pipefail

here=$(dirname "$(readlink -f "$0")")
# shellcheck source-path=SCRIPTDIR source=nspawn_lib.sh
source "$here/nspawn_lib.sh"
# shellcheck source-path=SCRIPTDIR source=system_checks.sh
source "$here/system_checks.sh"

build=$(realpath "${1:?usage: system_test.sh BUILD_DIR}")
bin=$build/bin
cache=${SYS_CACHE_DIR:-$build/../system-cache}
prefix=hst$$
SYS_NET_NODES="lb1=10.0.0.11/24 lb2=10.0.0.12/24 client=10.0.0.100/24 web1=10.0.0.21/24 web2=10.0.0.22/24"
VIP=10.0.0.10
KILLS=${SYS_KILLS:-5}

sys_host_check || exit $?
for tool in cpack "$bin/hapair-probe" "$bin/hapair-nameserver"; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (build the tree first)"; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/system-test.XXXXXX")
chmod 755 "$work"
# shellcheck disable=SC2034 # used by nspawn_lib.sh
SYS_STATE_DIR=$work/state
web_pids=()

cleanup() {
    local rc=$?
    trap - EXIT
    if ((rc != 0)) && [[ ${SYS_KEEP:-0} == 1 ]]; then
        echo "SYS_KEEP=1: containers left running (state in $SYS_STATE_DIR)"
        exit "$rc"
    fi
    ((rc == 0)) || dump_logs
    sys_stop_all
    for pid in "${web_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    sys_net_down "$prefix"
    _sys_remove_tree "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- setup -------------------------------------------------------------------

build_package() {
    local t
    t=$(_sys_now)
    if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/deb" >"$work/cpack.log" 2>&1; then
        cat "$work/cpack.log"
        echo "FAIL: cpack -G DEB"
        exit 1
    fi
    deb=$(echo "$work"/deb/hapair_*.deb)
    [[ -f $deb ]] || { echo "FAIL: no .deb in $work/deb"; exit 1; }
    echo "TIME: package $(sys_elapsed "$t") s ($(basename "$deb"))"
}

start_web_servers() {
    local name
    for name in web1 web2; do
        ASAN_OPTIONS=detect_leaks=0 ip netns exec "$prefix-$name" "$bin/hapair-nameserver" "$name" \
            "$(node_ip "$name"):80" >"$work/$name.log" 2>&1 &
        web_pids+=($!)
    done
}

# install_node NODE PRIORITY: the package, the node's priority, the units.
install_node() {
    local node=$1 priority=$2 root
    root=$(sys_root "$node")
    cp "$deb" "$root/root/hapair.deb"
    sys_exec "$node" dpkg -i /root/hapair.deb >"$work/$node-dpkg.log" 2>&1 ||
        { cat "$work/$node-dpkg.log"; echo "FAIL: dpkg -i on $node"; exit 1; }
    sys_exec "$node" sed -i "s/^priority = 200\\b/priority = $priority/" /etc/vrrpd/vrrpd.ini
    # The install step: one auth_hmac key, the same file on both nodes.
    [[ -s $work/vrrp.key ]] || (umask 077 && ASAN_OPTIONS=detect_leaks=0 "$build/bin/vrrpd" genkey >"$work/vrrp.key")
    install -m 0600 "$work/vrrp.key" "$root/etc/vrrpd/vrrp.key"
    local unit
    for unit in proxyd vrrpd; do
        sys_exec "$node" mkdir -p "/etc/systemd/system/$unit.service.d"
        printf '[Service]\n# sanitizer build only (system_test.sh)\nEnvironment=ASAN_OPTIONS=detect_leaks=0\n' |
            sys_exec "$node" tee "/etc/systemd/system/$unit.service.d/50-asan.conf" >/dev/null
    done
    sys_exec "$node" systemctl daemon-reload
}

build_package
t=$(_sys_now)
sys_rootfs_ensure "$cache"
echo "TIME: rootfs ensure $(sys_elapsed "$t") s"
sys_net_up "$prefix"
start_web_servers
for n in lb1 lb2; do
    t=$(_sys_now)
    sys_boot "$n" "$prefix-$n" "$cache" "$work"
    echo "TIME: boot $n $(sys_elapsed "$t") s"
done
install_node lb1 200
install_node lb2 100
check "lb2's only change is its priority" \
    test "$(sys_exec lb2 grep -c '^priority = 100' /etc/vrrpd/vrrpd.ini)" = 1
check "vrrpd -c accepts the shipped file on lb1" sys_exec lb1 vrrpd -c -f /etc/vrrpd/vrrpd.ini
check "proxyd -c accepts the shipped file on lb1" sys_exec lb1 proxyd -c -f /etc/proxyd/proxyd.ini

sys_exec lb1 systemctl enable --now proxyd vrrpd >/dev/null 2>&1 || fail "systemctl enable --now on lb1"
check "lb1 is MASTER" wait_for 10000 vip_only_on lb1
sys_exec lb2 systemctl enable --now proxyd vrrpd >/dev/null 2>&1 || fail "systemctl enable --now on lb2"
check "lb2 is BACKUP" wait_for 10000 journal_has lb2 vrrpd "(VI_1) Entering BACKUP STATE"
check "the VIP stays on lb1 alone" vip_only_on lb1
check "a client reaches a backend through the VIP" client_get
check "both units active on lb1" sys_exec lb1 systemctl is-active --quiet proxyd vrrpd
check "both units active on lb2" sys_exec lb2 systemctl is-active --quiet proxyd vrrpd

# --- the checks --------------------------------------------------------------

check_proxy_kills "$KILLS"
check_reloads
check_stop_hands_over
check_no_stale_vip
check_logs
check_sandbox
check_keepalived_conf

if ((failures)); then
    echo "system test: $failures check(s) failed"
    exit 1
fi
echo "system test: all checks passed"
