#!/usr/bin/env bash
# The HA lab: the tutorials' topology in network namespaces on this machine.
#
#   client ──┐
#   web1 ────┤ bridge (own namespace)   VIP 10.0.0.10/24, held by the master
#   web2 ────┤                          lb1 10.0.0.11 (priority 200), lb2 10.0.0.12 (100)
#   lb1 ─────┤                          web1 10.0.0.21, web2 10.0.0.22 (hapair-nameserver)
#   lb2 ─────┘                          client 10.0.0.100
#
# lb1 and lb2 run proxyd + vrrpd from $HAPAIR_BIN (default build/bin) with
# the shipped etc/proxyd.ini and etc/vrrpd.ini plus the lab's edits, or
# HAProxy + Keepalived from Debian with --peer keepalived+haproxy, with
# configurations rendered from etc/lab/*.in. Every node is a namespace named
# hapair-NAME-NODE; files (configs, logs, pidfiles) are in /run/hapair-lab/NAME.
# Nothing is created in the host's network namespace. Needs root.
#
# Usage: scripts/lab.sh [OPTIONS] COMMAND [ARGS...]
#
#   up                       build the lab and start everything (replaces a lab of the same name)
#   down                     stop everything and remove the namespaces and files (always safe)
#   status                   nodes, processes, who holds the VIP
#   exec NODE CMD...         run CMD inside NODE (lb1 lb2 web1 web2 client sw)
#   probe [INTERVAL_MS [DURATION_MS [TIMEOUT_MS]]]   hapair-probe from the client to the VIP
#   start NODE DAEMON        (re)start a daemon: proxy vrrp (or proxyd vrrpd haproxy keepalived) web
#   kill NODE DAEMON [SIG]   signal every process of DAEMON on NODE (default KILL); waits for
#                            the exit after KILL or TERM
#   link NODE up|down        plug or pull NODE's cable (its port on the bridge)
#   partition | heal         drop VRRP (IP protocol 112) between lb1 and lb2, or stop dropping it
#   block-backends NODE      NODE can no longer reach web1 and web2 (unblock-backends NODE)
#   master                   the node(s) holding the VIP ("none" if none)
#   wait-master NODE [SECS]  wait until NODE alone holds the VIP (exit 1 on timeout)
#   env                      shell assignments describing the lab (eval "$(scripts/lab.sh env)")
#   probe-stats FILE         "OUTAGE FAILED LOST REQUESTS" from a probe's output: the longest gap
#                            between two successes in ms (">N" if it ended in failures), the failed
#                            requests, those that failed after the recovery, and all requests
#
# Options (for up; other commands use the settings the lab was built with):
#   --name NAME              lab name, [a-z0-9], at most 12 characters (default: $HAPAIR_LAB or "lab")
#   --unicast | --multicast  VRRP transport (default unicast, as the tutorials in clouds)
#   --vrrp-version 2|3       default 3
#   --advert-int DURATION    default 100ms (v3) or 1s (v2); e.g. 1s, 100ms
#   --realtime PRIORITY      vrrpd with realtime_priority = PRIORITY and no_swap (default: off)
#   --auth MODE              vrrpd's auth_hmac: enforce (shipped, default), permissive, receive_only, off
#   --peer hapair|keepalived+haproxy   the software on lb1/lb2 (default hapair)
#   --subnet A.B.C           the /24 of the lab (default 10.0.0)
#   -q, --quiet              up: no summary
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/ini_edit.sh
source "$ROOT/scripts/lib/ini_edit.sh"
RUN_DIR=${HAPAIR_LAB_DIR:-/run/hapair-lab}
NODES=(lb1 lb2 web1 web2 client)

LAB_NAME=${HAPAIR_LAB:-lab}
PEER=hapair
TRANSPORT=unicast
VRRP_VERSION=3
ADVERT_INT=
REALTIME=0
AUTH=enforce
SUBNET=10.0.0
BIN=${HAPAIR_BIN:-$ROOT/build/bin}
QUIET=0

die() {
    printf 'lab.sh: %s\n' "$*" >&2
    exit 1
}
usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------- naming

state_dir() { printf '%s/%s' "$RUN_DIR" "$LAB_NAME"; }
ns() { printf 'hapair-%s-%s' "$LAB_NAME" "$1"; }
ip_of() {
    case $1 in
        vip) echo "$SUBNET.10" ;;
        lb1) echo "$SUBNET.11" ;;
        lb2) echo "$SUBNET.12" ;;
        web1) echo "$SUBNET.21" ;;
        web2) echo "$SUBNET.22" ;;
        client) echo "$SUBNET.100" ;;
        *) die "no node '$1' (nodes: ${NODES[*]})" ;;
    esac
}
# A locally administered MAC spelling out the node's address: 02:00:0a:00:00:0b.
mac_of() {
    local a b c d
    IFS=. read -r a b c d <<<"$(ip_of "$1")"
    printf '02:00:%02x:%02x:%02x:%02x' "$a" "$b" "$c" "$d"
}
other_lb() { if [[ $1 == lb1 ]]; then echo lb2; else echo lb1; fi; }
check_node() {
    local n
    for n in "${NODES[@]}" sw; do [[ $n == "$1" ]] && return 0; done
    die "no node '$1' (nodes: ${NODES[*]} sw)"
}

# "100ms" -> 0.1, "1s" -> 1, "2" -> 2 (seconds, for keepalived and sleeps).
seconds_of() {
    local d=$1
    case $d in
        *ms) awk -v v="${d%ms}" 'BEGIN { printf "%g", v / 1000 }' ;;
        *s) echo "${d%s}" ;;
        *) echo "$d" ;;
    esac
}

save_settings() {
    cat >"$(state_dir)/lab.env" <<EOF
LAB_NAME=$LAB_NAME
PEER=$PEER
TRANSPORT=$TRANSPORT
VRRP_VERSION=$VRRP_VERSION
ADVERT_INT=$ADVERT_INT
REALTIME=$REALTIME
AUTH=$AUTH
SUBNET=$SUBNET
BIN=$BIN
EOF
}
load_settings() {
    local env_file
    env_file="$(state_dir)/lab.env"
    [[ -f $env_file ]] || die "no lab '$LAB_NAME' (scripts/lab.sh --name $LAB_NAME up)"
    # shellcheck source=/dev/null
    source "$env_file"
}

lab_namespaces() {
    ip netns list | awk -v p="hapair-$LAB_NAME-" 'index($1, p) == 1 { print $1 }'
}

# ---------------------------------------------------------------- processes

# Pids inside NODE's namespace whose command name is COMM (all with no COMM).
node_pids() {
    local node=$1 comm=${2:-} pid
    for pid in $(ip netns pids "$(ns "$node")" 2>/dev/null); do
        if [[ -z $comm || $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]]; then echo "$pid"; fi
    done
}

# Starts CMD... detached inside NODE, output appended to STATE/NODE-NAME.log.
spawn() {
    local node=$1 name=$2
    shift 2
    setsid ip netns exec "$(ns "$node")" "$@" >>"$(state_dir)/$node-$name.log" 2>&1 </dev/null &
    SPAWNED=$!
}

wait_until() { # TIMEOUT_S DESCRIPTION CMD...: polls CMD every 20 ms (TIMEOUT_S may be 0.5)
    local timeout=$1 what=$2 deadline
    shift 2
    deadline=$(($(date +%s%N) + $(awk -v t="$timeout" 'BEGIN { printf "%d", t * 1000 }') * 1000000))
    until "$@"; do
        (($(date +%s%N) < deadline)) || {
            printf 'lab.sh: timed out after %ss waiting for %s\n' "$timeout" "$what" >&2
            return 1
        }
        sleep 0.02
    done
}

not_running() { [[ -z $(node_pids "$1" "$2") ]]; }
namespace_empty() { [[ -z $(ip netns pids "$1" 2>/dev/null) ]]; }
pidfile_is() { [[ -s $1 && $(<"$1") == "$2" ]]; }
listening() { [[ -n $(ip netns exec "$(ns "$1")" ss -Hltn "src $2") ]]; }
serves() { ip netns exec "$(ns "$1")" curl -fs -m 1 -o /dev/null "http://$2/"; }

daemon_comm() { # NODE DAEMON -> the process name, after resolving proxy/vrrp for the peer
    case $2 in
        proxy) if [[ $PEER == hapair ]]; then echo proxyd; else echo haproxy; fi ;;
        vrrp) if [[ $PEER == hapair ]]; then echo vrrpd; else echo keepalived; fi ;;
        web) echo hapair-nameserv ;;
        proxyd | vrrpd | haproxy | keepalived) echo "$2" ;;
        *) die "no daemon '$2' (proxy vrrp web proxyd vrrpd haproxy keepalived)" ;;
    esac
}

# Keepalived nodes get a PID namespace of their own, so that the tutorials'
# process check sees this node's HAProxy only (the lab's nodes otherwise
# share the host's PID namespace). Its pid 1 is a bash loop, which reaps
# the orphans a killed keepalived leaves.
start_pid_namespace() {
    local node=$1 unshare_pid
    setsid ip netns exec "$(ns "$node")" unshare --pid --fork --mount-proc \
        bash -c 'while :; do sleep 3600 & wait; done' >/dev/null 2>&1 </dev/null &
    unshare_pid=$!
    wait_until 5 "$node's PID namespace" has_child "$unshare_pid"
    pgrep -P "$unshare_pid" | head -n1 >"$(state_dir)/$node-init.pid"
}
has_child() { pgrep -P "$1" >/dev/null; }
in_node_pidns() { # NODE CMD...: CMD in the node's PID and mount namespaces (keepalived nodes)
    local node=$1
    shift
    nsenter --target "$(<"$(state_dir)/$node-init.pid")" --pid --mount -- "$@"
}

start_daemon() {
    local node=$1 comm dir
    dir=$(state_dir)
    comm=$(daemon_comm "$node" "$2")
    [[ -z $(node_pids "$node" "$comm") ]] || die "$comm is already running on $node"
    case $comm in
        hapair-nameserv)
            spawn "$node" web "$BIN/hapair-nameserver" "$node" "$(ip_of "$node"):80"
            wait_until 10 "$node's web server" serves "$node" "$(ip_of "$node")"
            ;;
        proxyd)
            spawn "$node" proxyd "$BIN/proxyd" -f "$dir/$node-proxyd.ini"
            wait_until 10 "proxyd on $node" pidfile_is "$dir/$node-proxyd.pid" "$SPAWNED"
            ;;
        vrrpd)
            spawn "$node" vrrpd "$BIN/vrrpd" -f "$dir/$node-vrrpd.ini"
            wait_until 10 "vrrpd on $node" pidfile_is "$dir/$node-vrrpd.pid" "$SPAWNED"
            ;;
        haproxy)
            spawn "$node" haproxy nsenter --target "$(<"$dir/$node-init.pid")" --pid --mount -- \
                haproxy -f "$dir/$node-haproxy.cfg" -db
            wait_until 10 "haproxy on $node" listening "$node" "$(ip_of vip):80"
            ;;
        keepalived)
            rm -f "$dir/$node-keepalived.pid" "$dir/$node-keepalived-vrrp.pid"
            spawn "$node" keepalived nsenter --target "$(<"$dir/$node-init.pid")" --pid --mount -- \
                stdbuf -oL -eL keepalived -n -l -D -P -f "$dir/$node-keepalived.conf" \
                -p "$dir/$node-keepalived.pid" -r "$dir/$node-keepalived-vrrp.pid"
            wait_until 10 "keepalived on $node" test -s "$dir/$node-keepalived-vrrp.pid"
            ;;
    esac
}

signal_daemon() {
    local node=$1 comm sig=${3:-KILL} pids
    comm=$(daemon_comm "$node" "$2")
    pids=$(node_pids "$node" "$comm")
    [[ -n $pids ]] || die "$comm is not running on $node"
    # shellcheck disable=SC2086 # one word per pid
    kill -s "$sig" $pids
    if [[ $sig == KILL || $sig == 9 || $sig == TERM || $sig == 15 ]]; then
        wait_until 15 "$comm on $node to exit" not_running "$node" "$comm"
    fi
}

# ---------------------------------------------------------------- configuration

render() { # TEMPLATE OUTPUT KEY=VALUE...: replaces every @KEY@
    local text out=$2 pair
    text=$(<"$ROOT/etc/lab/$1")
    shift 2
    for pair in "$@"; do text=${text//"@${pair%%=*}@"/"${pair#*=}"}; done
    if [[ $text =~ @[A-Z0-9_]+@ ]]; then die "$out: ${BASH_REMATCH[0]} left unfilled"; fi
    printf '%s\n' "$text" >"$out"
}

# The lab runs the shipped etc/proxyd.ini and etc/vrrpd.ini, edited only
# where a lab must differ (its paths, stderr logs, the notify recorder, faster
# backend checks, and the --vrrp-version/--advert-int/--multicast choices).
lab_proxyd_config() { # NODE OUTPUT
    local dir
    dir=$(state_dir)
    cp "$ROOT/etc/proxyd.ini" "$2"
    ini_edit "$2" "set:global:pidfile=$dir/$1-proxyd.pid" "set:global:maxconn=4000" "set:global:log=stderr" \
        "del:global:user" "del:global:group" \
        "set:defaults:timeout_connect=1s" "set:defaults:timeout_client=10s" "set:defaults:timeout_server=10s" \
        "set:defaults:retries=1" "set:frontend www:bind=$(ip_of vip):80" \
        "set:backend app_pool:check_interval=100ms" "set:backend app_pool:fall=1" "del:backend app_pool:server" \
        "add:backend app_pool:server=web1 $(ip_of web1):80" "add:backend app_pool:server=web2 $(ip_of web2):80"
}

lab_vrrpd_config() { # NODE PRIORITY INITIAL_STATE OUTPUT
    local dir out=$4 edits state
    dir=$(state_dir)
    cp "$ROOT/etc/vrrpd.ini" "$out"
    edits=("set:global:router_id=$1" "set:global:log=stderr" "set:global:pidfile=$dir/$1-vrrpd.pid"
        "set:global:status_file=$dir/$1-vrrpd.json" "set:global:script_user=root"
        "set:track_pid proxyd:pidfile=$dir/$1-proxyd.pid"
        "set:instance VI_1:priority=$2" "set:instance VI_1:state=$3" "set:instance VI_1:version=$VRRP_VERSION"
        "set:instance VI_1:advert_int=$ADVERT_INT" "set:instance VI_1:vip=$(ip_of vip)/24 dev eth1 label eth1:vip"
        "set:instance VI_1:key_file=$dir/vrrp.key" "set:instance VI_1:auth_hmac=$AUTH" "del:instance VI_1:unicast_peer")
    if [[ $TRANSPORT == unicast ]]; then
        edits+=("add:instance VI_1:unicast_peer=$(ip_of lb1)" "add:instance VI_1:unicast_peer=$(ip_of lb2)")
    fi
    if [[ $VRRP_VERSION == 2 ]]; then
        edits+=("set:instance VI_1:auth_type=PASS" "set:instance VI_1:auth_pass=password")
    fi
    if ((REALTIME > 0)); then
        edits+=("set:global:realtime_priority=$REALTIME" "set:global:no_swap=true")
    fi
    for state in MASTER BACKUP FAULT STOP; do
        edits+=("add:instance VI_1:notify_${state,,}=$dir/notify.sh $1 $state")
    done
    ini_edit "$out" "${edits[@]}"
}

write_configs() {
    local dir node peer priority initial common unicast auth
    dir=$(state_dir)
    cat >"$dir/notify.sh" <<EOF
#!/bin/sh
# Records a VRRP transition: "<unix time> <node> <state>" in <node>-notify.log.
echo "\$(date +%s.%N) \$1 \$2" >>"$dir/\$1-notify.log"
EOF
    chmod 0755 "$dir/notify.sh"
    # One auth_hmac key for both nodes, as the install instructions make it.
    (umask 077 && ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$BIN/vrrpd" genkey >"$dir/vrrp.key")
    for node in lb1 lb2; do
        peer=$(other_lb "$node")
        if [[ $node == lb1 ]]; then priority=200 initial=MASTER; else priority=100 initial=BACKUP; fi
        common=("NODE=$node" "STATE_DIR=$dir" "VIP=$(ip_of vip)" "WEB1=$(ip_of web1)" "WEB2=$(ip_of web2)"
            "PRIORITY=$priority" "INITIAL_STATE=$initial")
        if [[ $PEER == hapair ]]; then
            lab_proxyd_config "$node" "$dir/$node-proxyd.ini"
            lab_vrrpd_config "$node" "$priority" "$initial" "$dir/$node-vrrpd.ini"
        else
            unicast=
            [[ $TRANSPORT == unicast ]] &&
                unicast="    unicast_src_ip $(ip_of "$node")"$'\n'"    unicast_peer {"$'\n'"        $(ip_of "$peer")"$'\n'"    }"
            auth=
            [[ $VRRP_VERSION == 2 ]] &&
                auth=$'    authentication {\n        auth_type PASS\n        auth_pass password\n    }'
            local global_extra=
            [[ $VRRP_VERSION == 3 ]] && global_extra='    vrrp_version 3'
            render haproxy.cfg.in "$dir/$node-haproxy.cfg" "${common[@]}"
            render keepalived.conf.in "$dir/$node-keepalived.conf" "${common[@]}" \
                "ADVERT_SECONDS=$(seconds_of "$ADVERT_INT")" "UNICAST=$unicast" "AUTH=$auth" \
                "GLOBAL_EXTRA=$global_extra"
        fi
    done
}

# ---------------------------------------------------------------- topology

# Impairments (partition, block-backends) classify packets leaving a bridge
# port towards its node into class 1:2, whose queue holds nothing: they are
# dropped as on a switch ACL. Everything else takes HTB's direct path,
# unshaped. (No tc actions: the lab needs only HTB, pfifo and u32.)
add_blackhole() {
    local sw
    sw=$(ns sw)
    tc -n "$sw" qdisc add dev "$1" root handle 1: htb
    tc -n "$sw" class add dev "$1" parent 1: classid 1:2 htb rate 8kbit quantum 1514
    tc -n "$sw" qdisc add dev "$1" parent 1:2 handle 2: pfifo limit 0
}
drop_rule() { # add|del PORT PREF [u32 MATCH...]
    local action=$1 port=$2 pref=$3 sw
    sw=$(ns sw)
    shift 3
    tc -n "$sw" filter del dev "$port" parent 1: pref "$pref" 2>/dev/null || true
    [[ $action == del ]] || tc -n "$sw" filter add dev "$port" parent 1: pref "$pref" protocol ip u32 "$@" flowid 1:2
}

build_topology() {
    local sw node
    sw=$(ns sw)
    ip netns add "$sw"
    ip -n "$sw" link set lo up
    ip -n "$sw" link add br0 type bridge forward_delay 0
    ip -n "$sw" link set br0 up
    for node in "${NODES[@]}"; do
        ip netns add "$(ns "$node")"
        ip -n "$(ns "$node")" link set lo up
        # The bridge port is named after the node; the node sees eth1.
        ip -n "$sw" link add "$node" type veth peer name eth1 netns "$(ns "$node")"
        ip -n "$sw" link set "$node" master br0 up
        add_blackhole "$node"
        ip -n "$(ns "$node")" link set eth1 address "$(mac_of "$node")"
        ip -n "$(ns "$node")" addr add "$(ip_of "$node")/24" dev eth1
        ip -n "$(ns "$node")" link set eth1 up
    done
}

cmd_down() {
    local namespaces n pid
    mapfile -t namespaces < <(lab_namespaces)
    # Processes inside would keep a namespace alive: kill them first.
    for n in "${namespaces[@]}"; do
        for pid in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    done
    for n in "${namespaces[@]}"; do
        wait_until 5 "the processes of $n to exit" namespace_empty "$n" || true
        ip netns delete "$n" 2>/dev/null || true
    done
    rm -rf "$(state_dir)"
    rmdir "$RUN_DIR" 2>/dev/null || true # the last lab leaves nothing behind
}

cmd_up() {
    local n dir
    for n in "$BIN/proxyd" "$BIN/vrrpd" "$BIN/hapair-nameserver" "$BIN/hapair-probe"; do
        [[ -x $n ]] || die "$n is missing: build first (cmake --preset release && cmake --build --preset release), or set HAPAIR_BIN"
    done
    if [[ $PEER != hapair ]]; then
        if ! command -v haproxy >/dev/null || ! command -v keepalived >/dev/null; then
            die "--peer keepalived+haproxy needs Debian's haproxy and keepalived (scripts/install-deps.sh)"
        fi
    fi
    cmd_down
    dir=$(state_dir)
    mkdir -p "$dir"
    chmod 0755 "$RUN_DIR" "$dir"
    save_settings
    build_topology
    write_configs
    start_daemon web1 web
    start_daemon web2 web
    for n in lb1 lb2; do
        if [[ $PEER == hapair ]]; then
            start_daemon "$n" proxyd
        else
            ip netns exec "$(ns "$n")" sysctl -qw net.ipv4.ip_nonlocal_bind=1 # as the tutorials
            start_pid_namespace "$n"
            start_daemon "$n" haproxy
        fi
    done
    for n in lb1 lb2; do start_daemon "$n" vrrp; done
    wait_until "$(awk -v a="$(seconds_of "$ADVERT_INT")" 'BEGIN { printf "%d", 5 + 5 * a }')" \
        "lb1 to hold the VIP alone" sole_master lb1
    wait_until 10 "the client to reach the VIP" serves client "$(ip_of vip)"
    ((QUIET)) || cmd_status
}

holders() {
    local n out=()
    for n in lb1 lb2; do
        # No `| grep -q` here: with pipefail, ip's SIGPIPE would read as "not held".
        [[ $(ip -n "$(ns "$n")" -o addr show dev eth1 2>/dev/null) == *" $(ip_of vip)/24 "* ]] && out+=("$n")
    done
    if ((${#out[@]})); then echo "${out[*]}"; else echo none; fi
}
sole_master() { [[ $(holders) == "$1" ]]; }

cmd_status() {
    local n pid list
    printf 'lab "%s": %s, %s, VRRPv%s, advert_int %s; files in %s\n' "$LAB_NAME" "$PEER" "$TRANSPORT" \
        "$VRRP_VERSION" "$ADVERT_INT" "$(state_dir)"
    printf '  VIP %s held by: %s\n' "$(ip_of vip)" "$(holders)"
    for n in "${NODES[@]}"; do
        list=()
        for pid in $(node_pids "$n"); do
            case $(cat "/proc/$pid/comm" 2>/dev/null) in
                proxyd | vrrpd | haproxy | keepalived | hapair-nameserv) list+=("$(cat "/proc/$pid/comm")($pid)") ;;
            esac
        done
        printf '  %-7s %-12s %s\n' "$n" "$(ip_of "$n")" "${list[*]:-}"
    done
}

cmd_env() {
    local n
    printf 'LAB_NAME=%q\nLAB_DIR=%q\nLAB_PEER=%q\nLAB_TRANSPORT=%q\nLAB_VRRP_VERSION=%q\nLAB_ADVERT_INT=%q\nLAB_VIP=%q\nLAB_BIN=%q\n' \
        "$LAB_NAME" "$(state_dir)" "$PEER" "$TRANSPORT" "$VRRP_VERSION" "$ADVERT_INT" "$(ip_of vip)" "$BIN"
    for n in "${NODES[@]}" sw; do printf 'NS_%s=%q\n' "$n" "$(ns "$n")"; done
    for n in "${NODES[@]}"; do printf 'MAC_%s=%q\n' "$n" "$(mac_of "$n")"; done
}

# The probe prints "<ms since start, when sent> ok|fail <served-by>" per
# request, in order of completion. The outage is the longest gap between two
# successes (from the first request if the run starts failing, to the last
# if it ends failing); "lost" are the failures after the outage ended.
probe_stats() {
    sort -n "$1" | awk '
        $2 == "ok" || $2 == "fail" { n++; t[n] = $1; ok[n] = ($2 == "ok") }
        END {
            last = t[1]; gap = 0; gap_end = t[1]
            for (i = 1; i <= n; i++) {
                if (!ok[i]) { failed++; continue }
                if (t[i] - last > gap) { gap = t[i] - last; gap_end = t[i] }
                last = t[i]
            }
            open_ended = n && !ok[n] && t[n] - last > gap
            if (open_ended) { gap = t[n] - last; gap_end = t[n] }
            for (i = 1; i <= n; i++) if (!ok[i] && t[i] > gap_end) after++
            printf "%s%.0f %d %d %d\n", open_ended ? ">" : "", gap, failed, after, n
        }'
}

# ---------------------------------------------------------------- main

parse_option() { # sets SHIFT_BY to the number of words consumed, 0 if not an option
    SHIFT_BY=1
    case $1 in
        --name) LAB_NAME=${2:?--name needs a value} SHIFT_BY=2 ;;
        --unicast) TRANSPORT=unicast ;;
        --multicast) TRANSPORT=multicast ;;
        --vrrp-version) VRRP_VERSION=${2:?} SHIFT_BY=2 ;;
        --advert-int) ADVERT_INT=${2:?} SHIFT_BY=2 ;;
        --realtime) REALTIME=${2:?} SHIFT_BY=2 ;;
        --auth) AUTH=${2:?} SHIFT_BY=2 ;;
        --peer) PEER=${2:?} SHIFT_BY=2 ;;
        --subnet) SUBNET=${2:?} SHIFT_BY=2 ;;
        -q | --quiet) QUIET=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        -*) die "unknown option $1 (see --help)" ;;
        *) SHIFT_BY=0 ;;
    esac
}

main() {
    local cmd
    while (($#)); do
        parse_option "$@"
        ((SHIFT_BY)) || break
        shift "$SHIFT_BY"
    done
    (($#)) || {
        usage
        exit 2
    }
    cmd=$1
    shift
    if [[ $cmd == up || $cmd == down || $cmd == status ]]; then
        while (($#)); do
            parse_option "$@"
            ((SHIFT_BY)) || die "unexpected argument '$1'"
            shift "$SHIFT_BY"
        done
    fi
    if [[ $cmd == probe-stats ]]; then
        probe_stats "${1:?usage: probe-stats FILE}"
        return
    fi
    [[ $LAB_NAME =~ ^[a-z0-9]{1,12}$ ]] || die "--name: [a-z0-9], 1 to 12 characters"
    [[ $(id -u) -eq 0 ]] || die "needs root (network namespaces)"
    case $cmd in
        up)
            [[ $PEER == hapair || $PEER == keepalived+haproxy ]] || die "--peer: hapair or keepalived+haproxy"
            [[ $VRRP_VERSION == 2 || $VRRP_VERSION == 3 ]] || die "--vrrp-version: 2 or 3"
            [[ $SUBNET =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "--subnet: A.B.C"
            if [[ -z $ADVERT_INT ]]; then
                if [[ $VRRP_VERSION == 3 ]]; then ADVERT_INT=100ms; else ADVERT_INT=1s; fi
            fi
            cmd_up
            ;;
        down) cmd_down ;;
        *)
            load_settings
            case $cmd in
                status) cmd_status ;;
                env) cmd_env ;;
                exec)
                    (($# >= 2)) || die "usage: exec NODE CMD..."
                    check_node "$1"
                    local target
                    target=$(ns "$1")
                    shift
                    exec ip netns exec "$target" "$@"
                    ;;
                probe) exec ip netns exec "$(ns client)" "$BIN/hapair-probe" "$(ip_of vip):80" "$@" ;;
                start)
                    (($# == 2)) || die "usage: start NODE DAEMON"
                    check_node "$1"
                    start_daemon "$1" "$2"
                    ;;
                kill)
                    (($# >= 2)) || die "usage: kill NODE DAEMON [SIGNAL]"
                    check_node "$1"
                    signal_daemon "$@"
                    ;;
                link)
                    [[ $# == 2 && ($2 == up || $2 == down) ]] || die "usage: link NODE up|down"
                    check_node "$1"
                    ip -n "$(ns sw)" link set "$1" "$2"
                    ;;
                partition)
                    drop_rule add lb1 10 match ip protocol 112 0xff
                    drop_rule add lb2 10 match ip protocol 112 0xff
                    ;;
                heal)
                    # One tc process for both ports: the partition heals on both sides at once.
                    printf 'filter del dev %s parent 1: pref 10\n' lb1 lb2 | tc -n "$(ns sw)" -force -batch - 2>/dev/null || true
                    ;;
                block-backends | unblock-backends)
                    [[ ${1:-} == lb1 || ${1:-} == lb2 ]] || die "usage: $cmd lb1|lb2"
                    local pref=$((20 + ${1#lb})) action=add
                    [[ $cmd == block-backends ]] || action=del
                    drop_rule "$action" web1 "$pref" match ip src "$(ip_of "$1")/32"
                    drop_rule "$action" web2 "$pref" match ip src "$(ip_of "$1")/32"
                    ;;
                master) holders ;;
                wait-master)
                    check_node "${1:?usage: wait-master NODE [SECONDS]}"
                    wait_until "${2:-10}" "$1 to hold the VIP alone" sole_master "$1"
                    ;;
                *) die "unknown command '$cmd' (see --help)" ;;
            esac
            ;;
    esac
}

main "$@"
