#!/usr/bin/env bash
# Where the failover time goes: the time from the fault to each step, in the
# HA lab (scripts/lab.sh), from both vrrpd logs, an address monitor and a
# capture on the new master, and the client's probe. Figures, not a test.
# Needs root.
#
#   scripts/failover-steps.sh                      Release build, 10 repetitions, every setup
#   scripts/failover-steps.sh --no-build --reps 3 --setups hapair-20ms
#
# Options:
#   --reps N          repetitions per scenario and setup (default 10)
#   --setups LIST     hapair-v3 (100 ms, shipped), hapair-20ms, hapair-10ms (realtime_priority 50);
#                     default all three
#   --no-build        use the binaries in $HAPAIR_BIN (default build/bin)
#   --out DIR         raw files and the table (default build/failover-steps)
#
# Scenarios: 1 proxy killed (-9) on the master, 5 the master's link down.
# Steps, each the median over the repetitions of milliseconds since the fault:
#   detected      lb1 logs the fault (scenario 1: "Track pid proxyd ... exited";
#                 5: "Netlink reports eth1 down")
#   advert        lb1 logs "sent 0 priority" (scenario 1; none when the link is gone)
#   peer MASTER   lb2 logs "Entering MASTER STATE"
#   VIP added     the first GARP's time less the delay lb2 logs ("first gratuitous ARP
#                 sent Nus after the VIPs were added"); lb2's address monitor otherwise
#   first GARP    the first gratuitous ARP for the VIP on lb2's eth1 (tcpdump, microseconds)
#   client ok     the first successful request sent after the VIP was added on lb2 (10 ms probe)
# Log timestamps have millisecond resolution.
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=10
SETUPS=hapair-v3,hapair-20ms,hapair-10ms
BUILD=1
OUT=build/failover-steps
LAB=(scripts/lab.sh --name steps)
LAB_DIR='' LAB_VIP='' LAB_BIN='' NS_client='' NS_lb2='' NS_sw=''

while (($#)); do
    case $1 in
        --reps) REPS=${2:?} && shift ;;
        --setups) SETUPS=${2:?} && shift ;;
        --no-build) BUILD=0 ;;
        --out) OUT=${2:?} && shift ;;
        -h | --help)
            sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
            exit 0
            ;;
        *)
            echo "failover-steps: unknown argument $1 (see --help)" >&2
            exit 2
            ;;
    esac
    shift
done
[[ $(id -u) -eq 0 ]] || {
    echo "failover-steps: needs root (network namespaces)" >&2
    exit 1
}
if ((BUILD)); then
    ./scripts/install-deps.sh
    cmake --preset release >/dev/null
    cmake --build --preset release -j "${HAPAIR_JOBS:-$(nproc)}" --target proxyd vrrpd hapair-nameserver hapair-probe
fi
mkdir -p "$OUT"
WATCHERS=()
cleanup() {
    local pid
    for pid in "${WATCHERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    "${LAB[@]}" down || true
}
trap cleanup EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

setup_up() {
    case $1 in
        hapair-v3) "${LAB[@]}" -q up --vrrp-version 3 --advert-int 100ms ;;
        hapair-20ms) "${LAB[@]}" -q up --vrrp-version 3 --advert-int 20ms --realtime 50 ;;
        hapair-10ms) "${LAB[@]}" -q up --vrrp-version 3 --advert-int 10ms --realtime 50 ;;
        *)
            echo "failover-steps: no setup '$1'" >&2
            exit 2
            ;;
    esac
    eval "$("${LAB[@]}" env)"
}

settle() {
    local i
    for i in $(seq 1 100); do
        if [[ $("${LAB[@]}" master) == lb1 ]] &&
            [[ $("${LAB[@]}" probe 10 300 200 | tail -n1) == *" failed=0 "* ]]; then return 0; fi
        sleep 0.1
    done
    return 1
}

# One repetition: watchers on lb2 and the client, the fault, the takeover.
one_run() { # SCENARIO TAG
    local tag=$2 fault
    WATCHERS=()
    ip -ts -n "$NS_lb2" monitor address dev eth1 >"$OUT/$tag.mon" 2>/dev/null &
    WATCHERS+=($!)
    ip netns exec "$NS_lb2" tcpdump -i eth1 -n -tt -l arp >"$OUT/$tag.pcap.txt" 2>/dev/null &
    WATCHERS+=($!)
    sleep 0.3
    ip netns exec "$NS_client" "$LAB_BIN/hapair-probe" "$LAB_VIP:80" 10 30000 200 >"$OUT/$tag.probe" &
    local probe=$!
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.5 + 0.1 * r / 32768 }')"
    # The fault itself, timed without a fork in between ($EPOCHREALTIME, the
    # kill builtin); lab.sh's own commands take tens of milliseconds.
    local proxy_pid
    proxy_pid=$(cat "$LAB_DIR/lb1-proxyd.pid")
    if [[ $1 == 1 ]]; then
        fault=$EPOCHREALTIME
        kill -KILL "$proxy_pid"
    else
        fault=$EPOCHREALTIME
        ip -n "$NS_sw" link set lb1 down
    fi
    "${LAB[@]}" wait-master lb2 10 >/dev/null || log "$tag: lb2 did not take over"
    sleep 1
    kill -INT "$probe"
    wait "$probe" || true
    local pid
    for pid in "${WATCHERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${WATCHERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    WATCHERS=()
    python3 scripts/lib/failover_steps.py row "$1" "$fault" "$LAB_DIR/lb1-vrrpd.log" "$LAB_DIR/lb2-vrrpd.log" \
        "$OUT/$tag.mon" "$OUT/$tag.pcap.txt" "$OUT/$tag.probe" "$LAB_VIP" >>"$OUT/$SETUP.tsv"
    if [[ $1 == 1 ]]; then "${LAB[@]}" start lb1 proxy; else "${LAB[@]}" link lb1 up; fi
    "${LAB[@]}" wait-master lb1 20 >/dev/null || true
}

for SETUP in ${SETUPS//,/ }; do
    log "setup $SETUP: lab up"
    setup_up "$SETUP"
    : >"$OUT/$SETUP.tsv"
    for rep in $(seq 1 "$REPS"); do
        for scenario in 1 5; do
            settle || log "the pair did not settle"
            one_run "$scenario" "$SETUP-s$scenario-r$rep"
        done
    done
    "${LAB[@]}" down
done
python3 scripts/lib/failover_steps.py table "$OUT" ${SETUPS//,/ } | tee "$OUT/summary.txt"
