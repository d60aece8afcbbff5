#!/usr/bin/env bash
# Failover figures: what a client of the VIP sees when the master fails, for
# proxyd + vrrpd next to HAProxy + Keepalived as the tutorials configure
# them, in the HA lab (scripts/lab.sh). Figures, not a test: nothing here
# passes or fails on a number. Needs root.
#
#   scripts/failover-bench.sh                          Release build, 10 repetitions, every setup
#   scripts/failover-bench.sh --no-build --reps 3 --setups hapair-v3
#
# Options:
#   --reps N            repetitions per scenario (default 10)
#   --setups LIST       comma-separated, default hapair-v3,hapair-20ms,hapair-10ms,hapair-v2,keepalived
#                         hapair-v3   proxyd + vrrpd, VRRPv3, advert_int 100ms (the shipped etc/ configs)
#                         hapair-v2   proxyd + vrrpd, VRRPv2, advert_int 1s (the tutorials' timers)
#                         hapair-20ms proxyd + vrrpd, VRRPv3, advert_int 20ms, realtime_priority 50 + no_swap
#                         hapair-10ms proxyd + vrrpd, VRRPv3, advert_int 10ms, realtime_priority 50 + no_swap
#                         keepalived  HAProxy + Keepalived (Debian), VRRPv2, advert_int 1s,
#                                     `killall -0 haproxy` every 2s (etc/lab/*.in)
#   --scenarios LIST    comma-separated numbers, default 1,2,3,4,5 (6 runs with 1)
#   --no-build          use the binaries in $HAPAIR_BIN (default build/bin) as they are
#   --out DIR           raw results and tables (default build/failover-bench)
#
# Scenarios, each with lb1 the master and lb2 the backup (unicast VRRP):
#   1 proxy killed (-9) on the master      4 VRRP daemon stopped (SIGTERM) on the master
#   2 every backend unreachable from the   5 the master's link goes down (cable pulled)
#     master only (proxy alive)            6 failback: the proxy of scenario 1 restarts, the
#   3 VRRP daemon killed (-9) on the         master preempts
#     master (proxy keeps running)
#
# Client: hapair-probe in the client node starts one request every 10 ms
# through the VIP (each may take 200 ms), whatever became of the previous
# ones. Outage = the longest gap between two successful requests around the
# fault (about 10 ms when nothing failed); failed = requests that failed;
# lost after = failures after the first success that followed the outage.
# Both nodes' addresses are watched (ip monitor) for the time both held the
# VIP. Each repetition starts from a settled pair: lb1 alone holds the VIP
# and a 300 ms probe sees no failure; the fault comes 0.5 s after the probe
# started plus a random part of the advert interval (of Keepalived's 2 s
# check interval for the keepalived setup).
set -euo pipefail
cd "$(dirname "$0")/.."

REPS=10
SETUPS=hapair-v3,hapair-20ms,hapair-10ms,hapair-v2,keepalived
SCENARIOS=1,2,3,4,5
BUILD=1
OUT=build/failover-bench
LAB_NAME=bench
LAB=(scripts/lab.sh --name "$LAB_NAME")
# Set by setup_up from `lab.sh env`.
LAB_VIP='' LAB_BIN='' LAB_DIR='' LAB_PEER='' LAB_ADVERT_INT='' NS_client='' JITTER_S=0

while (($#)); do
    case $1 in
        --reps) REPS=${2:?} && shift ;;
        --setups) SETUPS=${2:?} && shift ;;
        --scenarios) SCENARIOS=${2:?} && shift ;;
        --no-build) BUILD=0 ;;
        --out) OUT=${2:?} && shift ;;
        -h | --help)
            sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
            exit 0
            ;;
        *)
            echo "failover-bench: unknown argument $1 (see --help)" >&2
            exit 2
            ;;
    esac
    shift
done
[[ $(id -u) -eq 0 ]] || {
    echo "failover-bench: needs root (network namespaces)" >&2
    exit 1
}

if ((BUILD)); then
    ./scripts/install-deps.sh
    cmake --preset release >/dev/null
    cmake --build --preset release -j "${HAPAIR_JOBS:-$(nproc)}" --target proxyd vrrpd hapair-nameserver hapair-probe
fi
mkdir -p "$OUT"
RESULTS=$OUT/results.tsv
printf 'setup\tscenario\trep\toutage_ms\tfailed\tlost_after\ttakeover\tdual_vip_ms\tnote\n' >"$RESULTS"
WORK=$OUT/raw # every probe's output and address monitor, per setup and phase
rm -rf "$WORK"
mkdir -p "$WORK"
MONITORS=()
PROBE_PID=
cleanup() {
    local pid
    for pid in "${MONITORS[@]}" $PROBE_PID; do kill "$pid" 2>/dev/null || true; done
    "${LAB[@]}" down || true
}
trap cleanup EXIT

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

# ---------------------------------------------------------------- the setups

setup_up() {
    case $1 in
        hapair-v3) "${LAB[@]}" -q up --vrrp-version 3 --advert-int 100ms ;;
        hapair-v2) "${LAB[@]}" -q up --vrrp-version 2 --advert-int 1s ;;
        hapair-20ms) "${LAB[@]}" -q up --vrrp-version 3 --advert-int 20ms --realtime 50 ;;
        hapair-10ms) "${LAB[@]}" -q up --vrrp-version 3 --advert-int 10ms --realtime 50 ;;
        keepalived) "${LAB[@]}" -q up --peer keepalived+haproxy --vrrp-version 2 --advert-int 1s ;;
        *)
            echo "failover-bench: no setup '$1'" >&2
            exit 2
            ;;
    esac
    eval "$("${LAB[@]}" env)"
    # Bounds of the waits, from the advert interval: takeover by Master_Down_Interval
    # (3 adverts + skew) or, for Keepalived, a 2 s check plus skew.
    if [[ $LAB_ADVERT_INT == *ms ]]; then
        TAKEOVER_S=5 SETTLE_S=1 RECOVER_S=10
    else
        TAKEOVER_S=8 SETTLE_S=2 RECOVER_S=20
    fi
    # Faults land at a random point of the advert interval (or of Keepalived's
    # 2 s check interval): a fixed rhythm of restarts and faults would
    # otherwise always hit the same phase of the periodic timers.
    JITTER_S=$(seconds_of_interval "$LAB_ADVERT_INT")
    [[ $LAB_PEER == hapair ]] || JITTER_S=2
}

seconds_of_interval() { # 100ms -> 0.1, 1s -> 1
    case $1 in
        *ms) awk -v v="${1%ms}" 'BEGIN { printf "%g", v / 1000 }' ;;
        *) echo "${1%s}" ;;
    esac
}

# ---------------------------------------------------------------- one measurement

holds_vip() { [[ $("${LAB[@]}" master) == *"$1"* ]]; }
sole() { [[ $("${LAB[@]}" master) == "$1" ]]; }

wait_for() { # SECONDS CMD...: polls every 20 ms; status of the last try
    local deadline=$(($(date +%s%N) + $1 * 1000000000))
    shift
    until "$@"; do
        (($(date +%s%N) < deadline)) || return 1
        sleep 0.02
    done
}

# A settled pair: lb1 alone holds the VIP and a short probe sees no failure.
settled() {
    sole lb1 && [[ $("${LAB[@]}" probe 10 300 200 | tail -n1) == *" failed=0 "* ]]
}
settle_baseline() {
    wait_for "$RECOVER_S" settled || {
        log "the pair did not settle (VIP on: $("${LAB[@]}" master)); restarting the lab"
        setup_up "$SETUP"
    }
}

start_watch() { # PHASE: VIP monitors on both nodes, then the probe
    local n
    MONITORS=()
    for n in lb1 lb2; do
        local ns_var="NS_$n"
        ip -ts -n "${!ns_var}" monitor address dev eth1 >"$WORK/$1-$n.mon" 2>/dev/null &
        MONITORS+=($!)
    done
    sleep 0.2 # the monitors are listening
    ip netns exec "$NS_client" "$LAB_BIN/hapair-probe" "$LAB_VIP:80" 10 30000 200 >"$WORK/$1.probe" &
    PROBE_PID=$!
    # The baseline before the fault, plus a random part of the timers' period.
    sleep "$(awk -v j="$JITTER_S" -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.5 + j * r / 32768 }')"
}

stop_watch() {
    local pid
    kill -INT "$PROBE_PID"
    wait "$PROBE_PID" || true
    PROBE_PID=
    for pid in "${MONITORS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${MONITORS[@]}"; do wait "$pid" 2>/dev/null || true; done
    MONITORS=()
}

# The longest time both nodes held the VIP, from the two monitors' events
# ("[2026-11-21T09:43:54.026017] 2: eth1 inet 10.0.0.10/24 ..." and "Deleted ...").
# Before the fault lb1 held it and lb2 did not. A hold still open at the end
# is reported with ">".
dual_vip_ms() {
    local phase=$1
    {
        sed -n "s/^\[\([^]]*\)\] \(Deleted \)\{0,1\}[0-9]*: eth1 *inet $LAB_VIP\/.*/\1 lb1 \2/p" "$WORK/$phase-lb1.mon"
        sed -n "s/^\[\([^]]*\)\] \(Deleted \)\{0,1\}[0-9]*: eth1 *inet $LAB_VIP\/.*/\1 lb2 \2/p" "$WORK/$phase-lb2.mon"
    } | sort | awk '
        function secs(ts,   d, t) {   # 2026-11-21T09:43:54.026017 -> seconds (day boundary safe)
            split(ts, d, "T"); split(d[2], t, ":")
            if (day == "") day = d[1]
            return (d[1] != day ? 86400 : 0) + t[1] * 3600 + t[2] * 60 + t[3]
        }
        BEGIN { held["lb1"] = 1; held["lb2"] = 0 }
        {
            now = secs($1)
            both_before = held["lb1"] && held["lb2"]
            held[$2] = ($3 == "Deleted") ? 0 : 1
            both_after = held["lb1"] && held["lb2"]
            if (!both_before && both_after) since = now
            if (both_before && !both_after && (now - since) * 1000 > longest) longest = (now - since) * 1000
        }
        END {
            if (held["lb1"] && held["lb2"] && since != "") printf ">%.0f\n", (now - since) * 1000
            else printf "%.0f\n", longest
        }'
}

record() { # SCENARIO PHASE TAKEOVER NOTE
    local o
    o=$("${LAB[@]}" probe-stats "$WORK/$2.probe")
    read -r outage failed lost _ <<<"$o"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SETUP" "$1" "$REP" "$outage" "$failed" "$lost" "$3" \
        "$(dual_vip_ms "$2")" "$4" >>"$RESULTS"
    log "$SETUP scenario $1 rep $REP: outage ${outage} ms, $failed failed, $lost lost after, takeover $3 ${4:+($4)}"
}

# Runs FAULT... under watch and waits until lb2 holds the VIP (alone, or
# beside lb1's stale copy for "holds") and the pair settles. Sets TAKEOVER;
# the caller records the phase.
measure() { # PHASE EXPECT(sole|holds) FAULT...
    local phase=$1 expect=$2
    shift 2
    start_watch "$phase"
    "$@"
    if [[ $expect == sole ]]; then
        if wait_for "$TAKEOVER_S" sole lb2; then TAKEOVER=yes; else TAKEOVER=no; fi
    else
        if wait_for "$TAKEOVER_S" holds_vip lb2; then TAKEOVER=yes; else TAKEOVER=no; fi
    fi
    sleep "$SETTLE_S"
    stop_watch
}

# The node whose VIP went first in PHASE ("lb1", "lb2" or "none").
first_to_drop_vip() {
    local n first=none best=
    for n in lb1 lb2; do
        local at
        at=$(sed -n "s/^\[\([^]]*\)\] Deleted [0-9]*: eth1 *inet $LAB_VIP\/.*/\1/p" "$WORK/$1-$n.mon" | head -n1)
        if [[ -n $at && (-z $best || $at < $best) ]]; then best=$at first=$n; fi
    done
    echo "$first"
}

run_scenario() {
    local s=$1 r="$SETUP-$REP"
    settle_baseline
    case $s in
        1)
            measure "s1-r$r" sole "${LAB[@]}" kill lb1 proxy KILL
            record 1 "s1-r$r" "$TAKEOVER" ""
            # 6: the proxy comes back and the master preempts.
            start_watch "s6-r$r"
            "${LAB[@]}" start lb1 proxy
            if wait_for "$RECOVER_S" sole lb1; then TAKEOVER=yes; else TAKEOVER=no; fi
            sleep "$SETTLE_S"
            stop_watch
            record 6 "s6-r$r" "$TAKEOVER" ""
            ;;
        2)
            measure "s2-r$r" sole "${LAB[@]}" block-backends lb1
            record 2 "s2-r$r" "$TAKEOVER" ""
            "${LAB[@]}" unblock-backends lb1
            # HAProxy checks begun during the block time out only later
            # (timeout connect 5s) and can still mark the servers down: let
            # them finish before the next baseline.
            [[ $LAB_PEER == hapair ]] || sleep 8
            ;;
        3)
            measure "s3-r$r" holds "${LAB[@]}" kill lb1 vrrp KILL
            # The restarted daemon must remove the VIP the killed one left
            # (before lb2 yields to it), and say so.
            local logged=0 note
            [[ $LAB_PEER == hapair ]] && logged=$(grep -c 'removed stale VIP' "$LAB_DIR/lb1-vrrpd.log" || true)
            start_watch "s3-restart-r$r"
            "${LAB[@]}" start lb1 vrrp
            wait_for "$RECOVER_S" sole lb1 || true
            stop_watch
            if [[ $(first_to_drop_vip "s3-restart-r$r") == lb1 ]]; then
                note="stale VIP removed at restart"
            else
                note="stale VIP NOT removed at restart"
            fi
            if [[ $LAB_PEER == hapair ]]; then
                if (($(grep -c 'removed stale VIP' "$LAB_DIR/lb1-vrrpd.log" || true) > logged)); then
                    note+=", logged"
                else
                    note+=", not logged"
                fi
            fi
            record 3 "s3-r$r" "$TAKEOVER" "$note"
            ;;
        4)
            measure "s4-r$r" sole "${LAB[@]}" kill lb1 vrrp TERM
            record 4 "s4-r$r" "$TAKEOVER" ""
            "${LAB[@]}" start lb1 vrrp
            ;;
        5)
            measure "s5-r$r" sole "${LAB[@]}" link lb1 down
            record 5 "s5-r$r" "$TAKEOVER" ""
            "${LAB[@]}" link lb1 up
            ;;
        *)
            echo "failover-bench: no scenario '$s'" >&2
            exit 2
            ;;
    esac
}

# ---------------------------------------------------------------- tables

SCENARIO_NAMES=(
    [1]="proxy killed (-9) on the master"
    [2]="every backend down, master only"
    [3]="VRRP daemon killed (-9) on the master"
    [4]="VRRP daemon stopped (SIGTERM)"
    [5]="master's link down"
    [6]="failback (proxy restarted, preempt)")

# "min median p90 max" of the outage column (">" marks runs that never recovered).
stats_of() { # SETUP SCENARIO COLUMN
    awk -F'\t' -v s="$1" -v sc="$2" -v c="$3" '$1 == s && $2 == sc { print $c }' "$RESULTS" |
        awk '{ open = open || /^>/; sub(/^>/, ""); v[NR] = $1 + 0 }
            END {
                if (NR == 0) { print "- - - - 0"; exit }
                n = asort_(v, NR)
                med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                p90 = v[int((NR * 9 + 9) / 10)]
                printf "%.0f %.0f %.0f %s%.0f %d\n", v[1], med, p90, open ? ">" : "", v[NR], NR
            }
            function asort_(a, n,   i, j, t) {
                for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
                return n
            }'
}
sum_of() { awk -F'\t' -v s="$1" -v sc="$2" -v c="$3" '$1 == s && $2 == sc { t += $c } END { print t + 0 }' "$RESULTS"; }
max_of() {
    awk -F'\t' -v s="$1" -v sc="$2" -v c="$3" '$1 == s && $2 == sc { v = $c; o = o || v ~ /^>/; sub(/^>/, "", v); if (v + 0 > m) m = v + 0 }
        END { printf "%s%.0f\n", o ? ">" : "", m }' "$RESULTS"
}
takeovers() { awk -F'\t' -v s="$1" -v sc="$2" '$1 == s && $2 == sc { n++; if ($7 == "yes") y++ } END { printf "%d/%d\n", y, n }' "$RESULTS"; }

print_tables() {
    local setup s st
    for setup in ${SETUPS//,/ }; do
        printf '\n%s (outage in ms over %s repetitions; failed and lost-after summed)\n' "$setup" "$REPS"
        printf '  %-40s %6s %7s %6s %7s %7s %7s %9s %9s\n' scenario min median p90 max failed lost takeover dual-VIP
        for s in 1 2 3 4 5 6; do
            read -r mn md p9 mx _ <<<"$(stats_of "$setup" "$s" 4)"
            [[ $mn == - ]] && continue
            st=$(max_of "$setup" "$s" 8)
            [[ $s == 3 ]] && st="stale"
            printf '  %-40s %6s %7s %6s %7s %7s %7s %9s %9s\n' "$s ${SCENARIO_NAMES[s]}" "$mn" "$md" "$p9" "$mx" \
                "$(sum_of "$setup" "$s" 5)" "$(sum_of "$setup" "$s" 6)" "$(takeovers "$setup" "$s")" "$st"
        done
    done
}

print_comparison() {
    [[ ,$SETUPS, == *,keepalived,* ]] || return 0
    local s k setup cells md
    local columns=(hapair-v2 hapair-v3 hapair-20ms hapair-10ms)
    printf '\nMedian outage in ms (ratio: Keepalived + HAProxy / hapair)\n'
    printf '| %-40s | %-21s | %-14s | %-19s | %-14s | %-14s |\n' scenario "Keepalived+HAProxy 1s" "hapair v2 1s" \
        "hapair 100ms shipped" "hapair 20ms RT" "hapair 10ms RT"
    printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" "$(printf -- '-%.0s' {1..23})" \
        "$(printf -- '-%.0s' {1..16})" "$(printf -- '-%.0s' {1..21})" "$(printf -- '-%.0s' {1..16})" \
        "$(printf -- '-%.0s' {1..16})"
    for s in 1 2 3 4 5 6; do
        read -r _ k _ _ <<<"$(stats_of keepalived "$s" 4)"
        cells=()
        for setup in "${columns[@]}"; do
            read -r _ md _ _ <<<"$(stats_of "$setup" "$s" 4)"
            cells+=("$md")
        done
        [[ $k == - && ${cells[*]} == "- - - -" ]] && continue
        [[ $(takeovers keepalived "$s") == 0/* ]] && k="no failover"
        printf '| %-40s | %-21s | %-14s | %-19s | %-14s | %-14s |\n' "$s ${SCENARIO_NAMES[s]}" "$k" \
            "$(with_ratio "$k" "${cells[0]}")" "$(with_ratio "$k" "${cells[1]}")" \
            "$(with_ratio "$k" "${cells[2]}")" "$(with_ratio "$k" "${cells[3]}")"
    done
}
with_ratio() { # KEEPALIVED HAPAIR
    if [[ $2 == - ]]; then echo -; elif [[ $1 =~ ^[0-9]+$ ]] && (($2 > 0)); then
        awk -v k="$1" -v h="$2" 'BEGIN { printf "%d (x%.1f)", h, k / h }'
    else echo "$2"; fi
}

# ---------------------------------------------------------------- main

started=$(date +%s)
for SETUP in ${SETUPS//,/ }; do
    log "setup $SETUP: lab up"
    setup_up "$SETUP"
    for REP in $(seq 1 "$REPS"); do
        for s in ${SCENARIOS//,/ }; do run_scenario "$s"; done
    done
    "${LAB[@]}" down
done
{
    printf 'failover-bench: %s repetitions, setups %s, %s s\n' "$REPS" "$SETUPS" "$(($(date +%s) - started))"
    print_tables
    print_comparison
} | tee "$OUT/summary.txt"
echo "raw results: $RESULTS"
