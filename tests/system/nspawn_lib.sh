# shellcheck shell=bash
# nspawn_lib.sh: boot Debian 12 (bookworm) containers with `systemd-nspawn -b`
# inside network namespaces created by the test. Source it; do not execute it.
#
#   sys_host_check                        0, or prints why not and returns 77
#   sys_rootfs_ensure CACHE_DIR           cached debootstrap root, CACHE_DIR/rootfs
#   sys_net_up PREFIX / sys_net_down PREFIX
#                                         bridge netns PREFIX-br + node netns
#                                         PREFIX-lb1, PREFIX-lb2, PREFIX-client
#   sys_boot NAME NETNS ROOTFS_CACHE WORKDIR
#                                         boot NAME in /run/netns/NETNS
#   sys_exec NAME CMD...                  run CMD inside NAME (exit code kept)
#   sys_root NAME                         host path of NAME's writable root
#   sys_stop NAME / sys_stop_all          power off, remove the writable copy
#
# Requirements: root, util-linux (nsenter, flock), iproute2, and the Debian
# packages systemd-container (systemd-nspawn) and debootstrap. The root is
# built from http://deb.debian.org/debian (SYS_MIRROR), the only network the
# build needs; containers themselves have no network but the test bridge.
#
# Environment and host quirks (found on a Debian 12 VM, systemd 252, kernel
# 6.18, where PID 1 is not systemd and /run is not a tmpfs):
#
# * cgroups. The VM has the "hybrid" layout: /sys/fs/cgroup is a tmpfs with
#   the v1 controllers (cpu, memory, pids, devices, ...), name=systemd at
#   /sys/fs/cgroup/systemd, and cgroup2 at /sys/fs/cgroup/unified with no
#   controllers. Both container layouts work there with systemd 252, and
#   hardening (ProtectSystem=, PrivateTmp=, CapabilityBoundingSet=,
#   SystemCallFilter=, ProtectClock=, PrivateDevices=, ...) works in both:
#     SYS_CGROUP_MODE=unified (default): sys_boot runs nspawn with
#       SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1; the container gets a private
#       cgroup2 at /sys/fs/cgroup, like a stock Debian 12 host.
#     SYS_CGROUP_MODE=auto: the variable is not set (unless the caller set
#       it) and nspawn copies the host layout, hybrid here; the console then
#       shows harmless "Failed to create symlink /sys/fs/cgroup/..." errors.
#   On this VM all controllers belong to v1, so resource limits (MemoryMax=,
#   TasksMax=, CPUQuota=) are accepted but not enforced in either mode.
#   With --keep-unit --register=no, nspawn puts itself in "<own cgroup>/
#   supervisor" and the container in "<own cgroup>/payload". With no systemd
#   on the host every process sits in the root cgroup, so two containers would
#   both use /payload and their systemd instances would fight. sys_boot
#   therefore moves each nspawn into its own cgroup, SYS_CGROUP_PARENT/NAME-ID
#   (default hapair-nspawn/NAME-ID) of the cgroup2 and name=systemd trees only
#   (never the v1 controllers), and sys_stop removes it. When the host does
#   run systemd (/run/systemd/system exists), nspawn is started in a delegated
#   transient scope instead (systemd-run --scope -p Delegate=yes; this path
#   was not exercised on the VM).
# * /run/systemd/nspawn must be a tmpfs: nspawn refuses to clean up
#   /run/systemd/nspawn/propagate/NAME on a disk file system ("Attempted to
#   remove disk file system ... and we can't allow that"). sys_boot mounts a
#   tmpfs there when it is not one already, and leaves it mounted.
# * RLIMIT_NOFILE: nspawn hands the container its own limits. sys_boot passes
#   --rlimit=RLIMIT_NOFILE=1024:1048576 so that LimitNOFILE=1048576 (proxyd)
#   can take effect, but on the VM the caller's bounding set lacks
#   CAP_SYS_RESOURCE and the hard limit is 20000: nspawn cannot raise it (it
#   goes on silently), units get LimitNOFILE clamped to 20000, and dbus-daemon
#   logs "Failed to set fd limit to 65536".
# * Writable copy: overlayfs (lower = cached root, upper in WORKDIR/NAME)
#   takes ~15 ms; `cp -a --reflink=auto` of the ~190 MB root takes ~1 s plus
#   ~4 s to delete on ext4 (no reflink), i.e. boot 0.8 s vs ~3 s.
#   SYS_ROOT_MODE=overlay (default) or copy; overlay falls back to copy if the
#   mount fails. The cached root must not change while containers use it.
#   The root directory must be mode 0755: with 0700 (mktemp -d) dbus-daemon
#   (user messagebus) cannot set up inotify, hangs, and boot never finishes.
# * The network namespace must exist (ip netns add) with eth1 configured
#   before sys_boot; nspawn joins it as is. The root masks systemd-networkd
#   and has no ifupdown, so nothing inside touches eth1 or its address.
# * The kernel has no dummy link type; only veth and bridge are used.
# * Commands run through nsenter into all namespaces of the container's
#   PID 1 (machinectl/systemd-run -M need --register=yes and a host systemd).
#   They run with a clean environment and stay in the caller's cgroup (outside
#   the container's tree), which systemctl, journalctl and ip do not mind.
# * If systemd-nspawn itself is SIGKILLed, the container keeps running
#   (reparented to host PID 1). sys_stop then sends SIGRTMIN+4 (poweroff) to
#   the container's systemd directly, and SIGKILL after SYS_STOP_TIMEOUT.
#   PIDs are recorded with their start time, so a reused PID is never killed.
# * Timings on the VM (2 cores): first debootstrap ~3 min, cached check
#   <0.1 s, boot to "running" 0.8 s per container, stop 0.5 s.

# Tunables (environment): SYS_SUITE, SYS_MIRROR, SYS_ROOTFS_EXTRA_PACKAGES
# (space separated, part of the cache stamp), SYS_ROOT_MODE, SYS_CGROUP_MODE,
# SYS_BOOT_TIMEOUT (s, default 60), SYS_STOP_TIMEOUT (s, default 30),
# SYS_STATE_DIR (default /run/hapair-nspawn), SYS_CGROUP_PARENT,
# SYS_NET_NODES, and the array SYS_NSPAWN_ARGS (extra systemd-nspawn options,
# e.g. --bind-ro=SRC:DST).

SYS_SUITE=${SYS_SUITE:-bookworm}
SYS_MIRROR=${SYS_MIRROR:-http://deb.debian.org/debian}
SYS_ROOT_MODE=${SYS_ROOT_MODE:-overlay}
SYS_CGROUP_MODE=${SYS_CGROUP_MODE:-unified}
SYS_BOOT_TIMEOUT=${SYS_BOOT_TIMEOUT:-60}
SYS_STOP_TIMEOUT=${SYS_STOP_TIMEOUT:-30}
SYS_STATE_DIR=${SYS_STATE_DIR:-/run/hapair-nspawn}
SYS_CGROUP_PARENT=${SYS_CGROUP_PARENT:-hapair-nspawn}
# NODE=ADDRESS of each namespace sys_net_up creates (besides PREFIX-br).
SYS_NET_NODES=${SYS_NET_NODES:-lb1=10.0.0.11/24 lb2=10.0.0.12/24 client=10.0.0.100/24}
if ! declare -p SYS_NSPAWN_ARGS >/dev/null 2>&1; then
    SYS_NSPAWN_ARGS=()
fi

# Bump whenever _sys_rootfs_customize changes: it is part of the stamp, so
# cached roots are rebuilt.
SYS_ROOTFS_RECIPE=1

# Packages of the root besides the minbase set: a booting systemd, tools the
# tests use, and the run-time libraries of the hapair package (its Depends,
# from dpkg-shlibdeps plus adduser and procps), so that `dpkg -i hapair_*.deb`
# works without network inside. libasan8/libubsan1 serve sanitizer builds.
SYS_ROOTFS_PACKAGES=(
    systemd systemd-sysv dbus iproute2 iputils-ping curl procps psmisc
    adduser rsyslog logrotate ca-certificates
    libev4 libssl3 libnl-3-200 libnl-route-3-200 libinih1 libcurl4 libfmt9
    libsystemd0 libcap-ng0 libc-ares2 libasan8 libubsan1
)

# Units masked in the root: nothing in a test container needs them, and they
# either wait for a network that is never "online", start periodic jobs at
# random moments of a test, or would reconfigure eth1.
SYS_ROOTFS_MASKED_UNITS=(
    systemd-networkd.service systemd-networkd.socket
    systemd-networkd-wait-online.service
    systemd-firstboot.service
    console-getty.service getty@tty1.service
    apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer
    e2scrub_all.timer e2scrub_reap.service fstrim.timer
)

_sys_log() { printf 'nspawn_lib: %s\n' "$*" >&2; }

# _sys_now: seconds since the epoch with a fraction.
_sys_now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }

# sys_elapsed T0: seconds since T0 (a _sys_now value), one decimal.
sys_elapsed() { awk -v a="$1" -v b="$(_sys_now)" 'BEGIN { printf "%.1f", b - a }'; }

# _sys_alive PID: PID exists and is not a zombie.
_sys_alive() {
    local stat
    [[ -n ${1:-} ]] || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# _sys_umount_under DIR: unmount every mount point at or below DIR, deepest
# first (e.g. /proc left mounted by an interrupted debootstrap).
_sys_umount_under() {
    local dir mp
    dir=$(realpath -m "$1")
    [[ $dir != / ]] || return 1
    awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' \
        /proc/self/mountinfo | sort -r | while read -r mp; do
        umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
    done
}

# _sys_remove_tree DIR: unmount what is below DIR, then delete it without
# crossing into other file systems.
_sys_remove_tree() {
    local dir=$1
    [[ -n $dir && $(realpath -m "$dir") != / ]] || return 1
    [[ -e $dir ]] || return 0
    _sys_umount_under "$dir"
    rm -rf --one-file-system "$dir"
}

# --- host checks -----------------------------------------------------------

# sys_host_check: returns 0 when containers can run here; otherwise prints
# the reason on stderr and returns 77 (the automake/ctest "skipped" code).
sys_host_check() {
    local tool
    if [[ $(id -u) != 0 ]]; then
        _sys_log "skip: must run as root"
        return 77
    fi
    for tool in systemd-nspawn debootstrap nsenter flock ip; do
        if ! command -v "$tool" >/dev/null; then
            _sys_log "skip: $tool not installed (apt-get install systemd-container debootstrap util-linux iproute2)"
            return 77
        fi
    done
    if ! ip netns add "hapair-probe-$$" 2>/dev/null; then
        _sys_log "skip: cannot create network namespaces"
        return 77
    fi
    ip netns del "hapair-probe-$$"
    if [[ ! -d /sys/fs/cgroup ]] || ! _sys_cgroup_trees >/dev/null; then
        _sys_log "skip: no usable cgroup hierarchy under /sys/fs/cgroup"
        return 77
    fi
    return 0
}

# --- root file system --------------------------------------------------------

_sys_rootfs_package_list() {
    # shellcheck disable=SC2086 # SYS_ROOTFS_EXTRA_PACKAGES is a word list
    printf '%s\n' "${SYS_ROOTFS_PACKAGES[@]}" ${SYS_ROOTFS_EXTRA_PACKAGES:-} | sort -u
}

_sys_rootfs_stamp() {
    printf 'suite=%s\nmirror=%s\nrecipe=%s\npackages=%s\n' \
        "$SYS_SUITE" "$SYS_MIRROR" "$SYS_ROOTFS_RECIPE" \
        "$(_sys_rootfs_package_list | paste -sd' ')"
}

# _sys_rootfs_customize ROOT: turn a fresh debootstrap into a quickly booting
# container root.
_sys_rootfs_customize() {
    local root=$1 unit
    # Password-less root (console and machinectl login work without one).
    chroot "$root" passwd -d root >/dev/null || return 1
    # Placeholders: sys_boot writes the container's name and a fresh machine
    # id into each private copy (an empty machine-id would mean "first boot":
    # systemd-firstboot and preset-all).
    echo hapair-node >"$root/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\thapair-node\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
        >"$root/etc/hosts"
    : >"$root/etc/machine-id"
    ln -sfn /etc/machine-id "$root/var/lib/dbus/machine-id"
    # Boot to multi-user.target; mask what a container does not need.
    ln -sfn /lib/systemd/system/multi-user.target \
        "$root/etc/systemd/system/default.target"
    for unit in "${SYS_ROOTFS_MASKED_UNITS[@]}"; do
        ln -sfn /dev/null "$root/etc/systemd/system/$unit"
    done
    # journald: no rate limiting, tests read every line they provoke.
    mkdir -p "$root/etc/systemd/journald.conf.d"
    printf '[Journal]\nRateLimitIntervalSec=0\nRateLimitBurst=0\n' \
        >"$root/etc/systemd/journald.conf.d/50-hapair-test.conf"
    # rsyslog: /proc/kmsg is not readable in a container.
    sed -i 's/^module(load="imklog")/#&/' "$root/etc/rsyslog.conf"
    # Smaller root: no package lists or .deb cache (dpkg -i needs neither).
    chroot "$root" apt-get clean >/dev/null || return 1
    find "$root/var/lib/apt/lists" -mindepth 1 -delete
    return 0
}

# sys_rootfs_ensure CACHE_DIR
# Make sure CACHE_DIR/rootfs holds the Debian root of the current recipe
# (CACHE_DIR/rootfs.stamp records suite, mirror, recipe and packages). It is
# built in CACHE_DIR/rootfs.tmp.* and renamed into place when complete; the
# stamp is written after the rename, so an interrupted run never leaves a root
# that is taken as valid. Concurrent callers serialise on CACHE_DIR/.lock.
sys_rootfs_ensure() {
    local cache=${1:?usage: sys_rootfs_ensure CACHE_DIR}
    local lock_fd rc=0
    mkdir -p "$cache" || return 1
    cache=$(realpath "$cache")
    exec {lock_fd}>"$cache/.lock"
    if ! flock -w 3600 "$lock_fd"; then
        _sys_log "timed out waiting for $cache/.lock"
        exec {lock_fd}>&-
        return 1
    fi
    _sys_rootfs_ensure_locked "$cache" || rc=$?
    exec {lock_fd}>&-
    return "$rc"
}

_sys_rootfs_ensure_locked() {
    local cache=$1 stamp tmp old t0 pkgs d
    stamp=$(_sys_rootfs_stamp)
    if [[ -d $cache/rootfs && -f $cache/rootfs.stamp ]] &&
        [[ $(cat "$cache/rootfs.stamp") == "$stamp" ]]; then
        return 0
    fi
    # Leftovers of interrupted builds or replacements.
    for d in "$cache"/rootfs.tmp.* "$cache"/rootfs.old.*; do
        if [[ -e $d ]]; then
            _sys_remove_tree "$d" || _sys_log "could not remove $d"
        fi
    done
    command -v debootstrap >/dev/null || {
        _sys_log "debootstrap is not installed"
        return 1
    }
    tmp=$(mktemp -d "$cache/rootfs.tmp.XXXXXX") || return 1
    chmod 755 "$tmp"
    pkgs=$(_sys_rootfs_package_list | paste -sd,)
    _sys_log "building $SYS_SUITE root in $tmp (log: $cache/debootstrap.log)"
    t0=$(_sys_now)
    if ! debootstrap --variant=minbase --components=main --include="$pkgs" \
        "$SYS_SUITE" "$tmp" "$SYS_MIRROR" >"$cache/debootstrap.log" 2>&1; then
        _sys_log "debootstrap failed; last lines of $cache/debootstrap.log:"
        tail -n 20 "$cache/debootstrap.log" >&2
        if [[ -f $tmp/debootstrap/debootstrap.log ]]; then
            tail -n 20 "$tmp/debootstrap/debootstrap.log" >&2
        fi
        _sys_remove_tree "$tmp"
        return 1
    fi
    if ! _sys_rootfs_customize "$tmp"; then
        _sys_log "customizing $tmp failed"
        _sys_remove_tree "$tmp"
        return 1
    fi
    # Swap in the new root; the old one (stale stamp) is deleted afterwards.
    rm -f "$cache/rootfs.stamp"
    old=
    if [[ -e $cache/rootfs ]]; then
        old="$cache/rootfs.old.$$"
        mv "$cache/rootfs" "$old" || return 1
    fi
    mv "$tmp" "$cache/rootfs" || return 1
    printf '%s\n' "$stamp" >"$cache/rootfs.stamp.tmp" &&
        mv "$cache/rootfs.stamp.tmp" "$cache/rootfs.stamp" || return 1
    [[ -z $old ]] || _sys_remove_tree "$old"
    _sys_log "root ready in $cache/rootfs after $(sys_elapsed "$t0") s"
    return 0
}

# --- network ---------------------------------------------------------------

# sys_net_up PREFIX
# Namespace PREFIX-br holds bridge br0; each node of SYS_NET_NODES gets a
# namespace PREFIX-NODE whose eth1 (address from SYS_NET_NODES, up) is a veth
# into br0 (peer v-NODE). Loopback is up everywhere. On failure everything
# made so far is removed.
sys_net_up() {
    local prefix=${1:?usage: sys_net_up PREFIX}
    if ! _sys_net_up "$prefix"; then
        _sys_log "sys_net_up $prefix failed"
        sys_net_down "$prefix"
        return 1
    fi
}

_sys_net_up() {
    local prefix=$1 br=$1-br node addr ns entry
    ip netns add "$br" || return 1
    ip -n "$br" link set lo up || return 1
    # VRRP uses multicast (224.0.0.18): no IGMP snooping, no STP delays.
    ip -n "$br" link add br0 type bridge mcast_snooping 0 stp_state 0 \
        forward_delay 0 || return 1
    ip -n "$br" link set br0 up || return 1
    for entry in $SYS_NET_NODES; do
        node=${entry%%=*} addr=${entry#*=} ns=$prefix-${entry%%=*}
        ip netns add "$ns" || return 1
        ip -n "$ns" link set lo up || return 1
        ip -n "$br" link add "v-$node" type veth peer name eth1 netns "$ns" || return 1
        ip -n "$br" link set "v-$node" master br0 up || return 1
        ip -n "$ns" addr add "$addr" dev eth1 || return 1
        ip -n "$ns" link set eth1 up || return 1
    done
    return 0
}

# sys_net_down PREFIX: delete the namespaces of sys_net_up PREFIX (and with
# them the veths and the bridge). Never fails; stop containers first, a
# namespace still used by a process lives on unnamed until it exits.
sys_net_down() {
    local prefix=${1:?usage: sys_net_down PREFIX} entry ns
    for ns in "$prefix-br" $(for entry in $SYS_NET_NODES; do echo "$prefix-${entry%%=*}"; done); do
        if [[ -e /run/netns/$ns ]]; then
            ip netns del "$ns" 2>/dev/null || _sys_log "could not delete netns $ns"
        fi
    done
    return 0
}

# --- cgroups ---------------------------------------------------------------

# _sys_cgroup_trees: the hierarchies nspawn and systemd manage, where each
# container gets its own cgroup: the cgroup2 tree and the name=systemd tree.
# The v1 controllers are left alone.
_sys_cgroup_trees() {
    local found=1
    if [[ $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) == cgroup2fs ]]; then
        echo /sys/fs/cgroup
        return 0
    fi
    if [[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
        echo /sys/fs/cgroup/unified
        found=0
    fi
    if [[ -f /sys/fs/cgroup/systemd/cgroup.procs ]]; then
        echo /sys/fs/cgroup/systemd
        found=0
    fi
    return "$found"
}

# _sys_cgroup_enter REL: move the calling process (BASHPID) into cgroup REL
# (relative to the tree roots) of every tree.
_sys_cgroup_enter() {
    local tree
    for tree in $(_sys_cgroup_trees); do
        mkdir -p "$tree/$1" && echo "$BASHPID" >"$tree/$1/cgroup.procs" || return 1
    done
}

# _sys_cgroup_remove REL: remove cgroup REL (with the supervisor/payload/...
# cgroups below it) once it is empty, and its parent if that is empty too.
_sys_cgroup_remove() {
    local tree
    for tree in $(_sys_cgroup_trees); do
        # Killed tasks may keep a cgroup busy for a moment: retry briefly.
        for _ in {1..20}; do
            [[ -d $tree/$1 ]] || break
            find "$tree/$1" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.1
        done
        [[ ! -d $tree/$1 ]] || _sys_log "cgroup $tree/$1 not removed (processes left?)"
        rmdir "$(dirname "$tree/$1")" 2>/dev/null || true
    done
}

# --- containers -------------------------------------------------------------

# _sys_state NAME KEY: a value recorded by sys_boot.
_sys_state() { cat "$SYS_STATE_DIR/$1/$2" 2>/dev/null; }

# _sys_proc_id PID: "PID STARTTIME"; names the process even if PID is reused.
_sys_proc_id() {
    local stat
    local -a f
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -ra f <<<"${stat##*) }"
    echo "$1 ${f[19]}"
}

# _sys_live_pid NAME KEY: the PID recorded under KEY (nspawn_pid, leader) if
# that very process still runs.
_sys_live_pid() {
    local rec
    rec=$(_sys_state "$1" "$2") || return 1
    [[ -n $rec ]] && _sys_alive "${rec%% *}" &&
        [[ $(_sys_proc_id "${rec%% *}") == "$rec" ]] || return 1
    echo "${rec%% *}"
}

# _sys_host_prepare: /run/systemd/nspawn on a tmpfs (see the header).
_sys_host_prepare() {
    mkdir -p /run/systemd/nspawn || return 1
    if [[ $(stat -f -c %T /run/systemd/nspawn) != tmpfs ]]; then
        mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run/systemd/nspawn || return 1
    fi
}

# _sys_leader_of PID: the child of nspawn PID that is PID 1 of a new PID
# namespace, i.e. the container's systemd.
_sys_leader_of() {
    local child nspid
    for child in $(pgrep -P "$1"); do
        nspid=$(awk '/^NSpid:/ { print NF - 1, $NF }' "/proc/$child/status" 2>/dev/null) || continue
        [[ $nspid == "2 1" ]] && { echo "$child"; return 0; }
    done
    return 1
}

# sys_root NAME: host path of the container's writable root.
sys_root() { _sys_state "${1:?usage: sys_root NAME}" root; }

# sys_boot NAME NETNS ROOTFS_CACHE WORKDIR
# Boot container NAME (also its machine name and hostname) from a private
# writable copy of ROOTFS_CACHE/rootfs (ROOTFS_CACHE as given to
# sys_rootfs_ensure; a root directory itself is accepted too) made in
# WORKDIR/NAME, in network namespace /run/netns/NETNS. Console output goes to
# WORKDIR/NAME.console. Returns once `systemctl is-system-running` inside says
# running or degraded (degraded lists the failed units on stderr), or fails
# after SYS_BOOT_TIMEOUT seconds, with the container stopped again.
sys_boot() {
    local name=${1:?usage: sys_boot NAME NETNS ROOTFS_CACHE WORKDIR}
    local netns=${2:?usage: sys_boot NAME NETNS ROOTFS_CACHE WORKDIR}
    local cache=${3:?usage: sys_boot NAME NETNS ROOTFS_CACHE WORKDIR}
    local workdir=${4:?usage: sys_boot NAME NETNS ROOTFS_CACHE WORKDIR}
    local lower dir root state console pid leader deadline status mode cgroup
    if [[ ! $name =~ ^[A-Za-z0-9][A-Za-z0-9-]{0,30}$ ]]; then
        _sys_log "bad container name '$name'"
        return 1
    fi
    if [[ ! -e /run/netns/$netns ]]; then
        _sys_log "no network namespace /run/netns/$netns"
        return 1
    fi
    lower=$cache/rootfs
    [[ -x $lower/usr/lib/systemd/systemd ]] || lower=$cache
    if [[ ! -x $lower/usr/lib/systemd/systemd ]]; then
        _sys_log "no root with systemd in $cache (run sys_rootfs_ensure first)"
        return 1
    fi
    lower=$(realpath "$lower")
    state=$SYS_STATE_DIR/$name
    if _sys_live_pid "$name" nspawn_pid >/dev/null ||
        _sys_live_pid "$name" leader >/dev/null; then
        _sys_log "container $name is already running"
        return 1
    fi
    # Leftovers of an earlier run that was not stopped.
    if [[ -d $state ]]; then sys_stop "$name"; fi
    mkdir -p "$workdir" "$state" || return 1
    workdir=$(realpath "$workdir")
    dir=$workdir/$name root=$workdir/$name/root console=$workdir/$name.console
    _sys_remove_tree "$dir" || return 1
    mkdir -p "$root" || return 1
    echo "$dir" >"$state/dir"
    echo "$root" >"$state/root"
    echo "$console" >"$state/console"

    # Private writable root.
    mode=$SYS_ROOT_MODE
    if [[ $mode == overlay ]]; then
        mkdir -p "$dir/upper" "$dir/work"
        if ! mount -t overlay overlay \
            -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$root"; then
            _sys_log "overlay mount failed, copying the root instead"
            mode=copy
        fi
    fi
    if [[ $mode == copy ]]; then
        if ! { rmdir "$root" && cp -a --reflink=auto "$lower" "$root"; }; then
            sys_stop "$name"
            return 1
        fi
    fi
    # The root directory itself must be traversable by the daemons' users
    # (a 0700 root makes dbus-daemon hang at boot).
    chmod 0755 "$root"
    echo "$name" >"$root/etc/hostname"
    sed -i "s/\bhapair-node\b/$name/" "$root/etc/hosts"
    tr -d '-' </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
    # Own cgroup, unique per boot so that concurrent tests may reuse names.
    cgroup=$SYS_CGROUP_PARENT/$name-$(head -c 8 "$root/etc/machine-id")
    echo "$cgroup" >"$state/cgroup"

    _sys_host_prepare || { sys_stop "$name"; return 1; }
    # shellcheck disable=SC2054 # the commas belong to --capability=
    local -a nspawn=(
        systemd-nspawn --boot --directory="$root" --machine="$name"
        --network-namespace-path="/run/netns/$netns"
        --keep-unit --register=no --link-journal=no --console=read-only
        --capability=CAP_NET_ADMIN,CAP_NET_RAW
        --rlimit=RLIMIT_NOFILE=1024:1048576
        "${SYS_NSPAWN_ARGS[@]}"
    )
    local -a env=()
    if [[ $SYS_CGROUP_MODE == unified && -z ${SYSTEMD_NSPAWN_UNIFIED_HIERARCHY:-} ]]; then
        env=(SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1)
    fi
    if [[ -d /run/systemd/system ]]; then
        # Host runs systemd: let it give nspawn a delegated scope.
        (exec systemd-run --quiet --scope -p Delegate=yes \
            --unit="hapair-nspawn-${cgroup##*/}" -- env "${env[@]}" "${nspawn[@]}") \
            </dev/null >"$console" 2>&1 &
    else
        (_sys_cgroup_enter "$cgroup" || { echo "cannot enter cgroup $cgroup"; exit 1; }
            exec env "${env[@]}" "${nspawn[@]}") \
            </dev/null >"$console" 2>&1 &
    fi
    pid=$!
    _sys_proc_id "$pid" >"$state/nspawn_pid" || true

    deadline=$(($(date +%s) + SYS_BOOT_TIMEOUT))
    leader=
    while :; do
        if ! _sys_alive "$pid"; then
            _sys_log "systemd-nspawn for $name exited during boot; console:"
            tail -n 30 "$console" >&2
            sys_stop "$name"
            return 1
        fi
        if [[ -z $leader ]] && leader=$(_sys_leader_of "$pid"); then
            _sys_proc_id "$leader" >"$state/leader"
        fi
        if [[ -n $leader ]]; then
            status=$(sys_exec "$name" systemctl is-system-running 2>/dev/null) || true
            case $status in
            running) break ;;
            degraded)
                _sys_log "$name booted degraded; failed units:"
                sys_exec "$name" systemctl --failed --no-legend >&2 || true
                break
                ;;
            esac
        fi
        if (($(date +%s) >= deadline)); then
            _sys_log "$name not booted after ${SYS_BOOT_TIMEOUT}s (state: ${status:-none}); console:"
            tail -n 30 "$console" >&2
            if [[ -n $leader ]]; then
                sys_exec "$name" systemctl list-jobs --no-legend >&2 || true
            fi
            sys_stop "$name"
            return 1
        fi
        sleep 0.2
    done
    return 0
}

# sys_exec NAME CMD...
# Run CMD in all namespaces of container NAME (root, cwd /, clean
# environment); stdin, stdout, stderr and the exit status pass through.
sys_exec() {
    local name=${1:?usage: sys_exec NAME CMD...} leader
    shift
    if ! leader=$(_sys_live_pid "$name" leader); then
        _sys_log "container $name is not running"
        return 125
    fi
    nsenter --target "$leader" --all --wdns=/ -- \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

# sys_stop NAME
# Power NAME off (nspawn turns SIGTERM into a clean halt of the container),
# SIGKILL it after SYS_STOP_TIMEOUT seconds, then unmount and delete its
# writable copy and cgroup. The console file stays. Safe to call twice or for
# a container that never booted.
sys_stop() {
    local name=${1:?usage: sys_stop NAME} pid leader raw dir deadline cgroup
    [[ -d $SYS_STATE_DIR/$name ]] || return 0
    pid=$(_sys_live_pid "$name" nspawn_pid) || pid=
    leader=$(_sys_live_pid "$name" leader) || leader=
    if [[ -n $pid ]]; then
        # nspawn turns SIGTERM into a clean halt of the container.
        kill -TERM "$pid" 2>/dev/null || true
    elif [[ -n $leader ]]; then
        # nspawn is gone (killed) but the container lives on, reparented:
        # SIGRTMIN+4 asks its systemd to power off.
        kill -s RTMIN+4 "$leader" 2>/dev/null || true
    fi
    deadline=$(($(date +%s) + SYS_STOP_TIMEOUT))
    while { _sys_alive "$pid" || _sys_alive "$leader"; } &&
        (($(date +%s) < deadline)); do
        sleep 0.1
    done
    if _sys_alive "$pid" || _sys_alive "$leader"; then
        _sys_log "$name did not stop within ${SYS_STOP_TIMEOUT}s, killing it"
        # Killing PID 1 of the container kills its whole PID namespace.
        [[ -z $leader ]] || kill -KILL "$leader" 2>/dev/null || true
        [[ -z $pid ]] || kill -KILL "$pid" 2>/dev/null || true
        deadline=$(($(date +%s) + 10))
        while { _sys_alive "$pid" || _sys_alive "$leader"; } &&
            (($(date +%s) < deadline)); do
            sleep 0.1
        done
    fi
    # Reap nspawn if it is our child (no-op otherwise).
    raw=$(_sys_state "$name" nspawn_pid)
    if [[ -n $raw ]]; then wait "${raw%% *}" 2>/dev/null || true; fi
    dir=$(_sys_state "$name" dir)
    if [[ -n $dir ]]; then
        _sys_remove_tree "$dir" || _sys_log "could not remove $dir"
    fi
    cgroup=$(_sys_state "$name" cgroup)
    [[ -z $cgroup ]] || _sys_cgroup_remove "$cgroup"
    rm -rf "${SYS_STATE_DIR:?}/$name"
    return 0
}

# sys_stop_all: sys_stop every container booted with this SYS_STATE_DIR
# (for EXIT traps).
sys_stop_all() {
    local d
    for d in "$SYS_STATE_DIR"/*/; do
        if [[ -d $d ]]; then sys_stop "$(basename "$d")"; fi
    done
    return 0
}
