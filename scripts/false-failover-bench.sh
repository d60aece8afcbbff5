#!/usr/bin/env bash
# False failovers with short adverts: the HA lab (scripts/lab.sh) under
# load, counting VRRP transitions that nothing but starvation caused. On the
# master's node stress-ng saturates both cores with CPU, memory and I/O work
# while wrk drives proxyd through the VIP; every transition in that time is
# a false failover. Figures, not a test: nothing passes or fails on them.
# Needs root.
#
#   scripts/false-failover-bench.sh                              Release build, 10 minutes per setup
#   scripts/false-failover-bench.sh --no-build --minutes 2 --adverts 20ms
#
# Options:
#   --minutes N         load time per setup (default 10)
#   --adverts LIST      comma-separated advert_int values (default 20ms,10ms)
#   --realtime LIST     on,off (default both): vrrpd with realtime_priority 50 + no_swap, or without
#   --no-build          use the binaries in $HAPAIR_BIN (default build/bin) as they are
#   --out DIR           results (default build/false-failover-bench)
#
# Per setup: transitions (lb1 leaving MASTER plus lb2 entering it), the
# master's late adverts (later than a quarter interval) and its largest
# lateness, from vrrpd's status (SIGUSR1), and the requests wrk completed.
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES=10
ADVERTS=20ms,10ms
REALTIME=on,off
BUILD=1
OUT=build/false-failover-bench
LAB=(scripts/lab.sh --name ffbench)
LAB_DIR='' LAB_VIP='' NS_client='' NS_lb1=''

while (($#)); do
    case $1 in
        --minutes) MINUTES=${2:?} && shift ;;
        --adverts) ADVERTS=${2:?} && shift ;;
        --realtime) REALTIME=${2:?} && shift ;;
        --no-build) BUILD=0 ;;
        --out) OUT=${2:?} && shift ;;
        -h | --help)
            sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
            exit 0
            ;;
        *)
            echo "false-failover-bench: unknown argument $1 (see --help)" >&2
            exit 2
            ;;
    esac
    shift
done
[[ $(id -u) -eq 0 ]] || {
    echo "false-failover-bench: needs root (network namespaces)" >&2
    exit 1
}
for tool in stress-ng wrk; do
    command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
done
if ((BUILD)); then
    ./scripts/install-deps.sh
    cmake --preset release >/dev/null
    cmake --build --preset release -j "${HAPAIR_JOBS:-$(nproc)}" --target proxyd vrrpd hapair-nameserver hapair-probe
fi
mkdir -p "$OUT"
trap '"${LAB[@]}" down || true' EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

transitions() { # the transitions in both vrrpd logs so far
    local n1 n2
    n1=$(grep -c 'Entering BACKUP STATE\|Entering FAULT STATE' "$LAB_DIR/lb1-vrrpd.log" || true)
    n2=$(grep -c 'Entering MASTER STATE' "$LAB_DIR/lb2-vrrpd.log" || true)
    echo $((n1 + n2))
}

lateness() { # "ADVERTS LATE MAX_MS" of lb1's instance, from its status file
    kill -USR1 "$(cat "$LAB_DIR/lb1-vrrpd.pid")"
    sleep 0.3
    python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))["instances"][0]["advert_lateness"]
print(j["adverts"], j["late"], "%.1f" % (j["max_us"] / 1000))' "$LAB_DIR/lb1-vrrpd.json"
}

run_setup() { # ADVERT_INT on|off
    local rt_args=() seconds=$((MINUTES * 60)) before after
    [[ $2 == on ]] && rt_args=(--realtime 50)
    log "setup advert_int $1, realtime $2: lab up"
    "${LAB[@]}" -q up --vrrp-version 3 --advert-int "$1" "${rt_args[@]}"
    eval "$("${LAB[@]}" env)"
    "${LAB[@]}" wait-master lb1 20
    sleep 2
    before=$(transitions)
    log "load for $MINUTES min: stress-ng (cpu, vm, io) on lb1, wrk through the VIP"
    ip netns exec "$NS_lb1" timeout $((seconds + 30)) stress-ng --cpu 2 --vm 1 --vm-bytes 128M --io 1 \
        --timeout "${seconds}s" --quiet &
    local stress=$!
    local requests
    requests=$(ip netns exec "$NS_client" timeout $((seconds + 30)) wrk -t1 -c20 -d"${seconds}s" \
        "http://$LAB_VIP/" 2>&1 | awk '/requests in/ { print $1 }')
    wait "$stress" || true
    sleep 1
    after=$(transitions)
    read -r adverts late max_ms <<<"$(lateness)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$MINUTES" "$((after - before))" "$adverts" "$late" \
        "$max_ms" "${requests:-0}" >>"$OUT/results.tsv"
    log "advert_int $1, realtime $2: $((after - before)) transitions, $late of $adverts adverts late, max ${max_ms} ms"
    "${LAB[@]}" down
}

: >"$OUT/results.tsv"
for advert in ${ADVERTS//,/ }; do
    for rt in ${REALTIME//,/ }; do run_setup "$advert" "$rt"; done
done
{
    printf 'false-failover-bench: %s min per setup, stress-ng --cpu 2 --vm 1 --io 1 on the master, wrk -c20\n' "$MINUTES"
    printf '| %-10s | %-8s | %-11s | %-20s | %-16s | %-12s |\n' advert_int realtime transitions "late adverts (>1/4)" \
        "max lateness ms" "wrk requests"
    printf '|%s|%s|%s|%s|%s|%s|\n' "------------" "----------" "-------------" "----------------------" \
        "------------------" "--------------"
    while IFS=$'\t' read -r a r _ t ad l m q; do
        printf '| %-10s | %-8s | %-11s | %-20s | %-16s | %-12s |\n' "$a" "$r" "$t" "$l of $ad" "$m" "$q"
    done <"$OUT/results.tsv"
} | tee "$OUT/summary.txt"
