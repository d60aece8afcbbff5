#!/usr/bin/env bash
# Figures for authenticated adverts (auth_hmac), not a test. Needs root.
#
#   scripts/auth-bench.sh                      Release build, then both parts
#   scripts/auth-bench.sh --no-build --seconds 10 --reps 3
#
# 1. CPU per advert at 10 ms adverts: two vrrpd (unicast, VRRPv3) in the HA
#    lab for --seconds, auth_hmac off and enforce; the master's CPU time per
#    advert sent (signing) and the backup's per advert received (checking),
#    from /proc/PID/schedstat (nanoseconds on the CPU), beside Keepalived
#    2.2.7 (no authentication; it has none that protects).
# 2. The forged-advert attack: with a client probing the VIP every 10 ms, a
#    host on the LAN (the lab's client node) sends 200 adverts at priority
#    255 in 5 s claiming the backup's address (IP_HDRINCL, as the issue's
#    attack), or its address and MAC (whole frames: the peer MAC check cannot
#    tell, and the bridge learns the backup's MAC on the attacker's port);
#    the client-visible outage, the failed requests and the transitions,
#    with auth_hmac off and enforce, --reps each.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_RUN=30
REPS=3
BUILD=1
OUT=build/auth-bench
LAB=(scripts/lab.sh --name authb)
LAB_DIR='' LAB_VIP='' LAB_BIN='' NS_client='' NS_lb1='' NS_lb2='' MAC_lb1='' MAC_lb2=''

while (($#)); do
    case $1 in
        --seconds) SECONDS_RUN=${2:?} && shift ;;
        --reps) REPS=${2:?} && shift ;;
        --no-build) BUILD=0 ;;
        --out) OUT=${2:?} && shift ;;
        -h | --help)
            sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
            exit 0
            ;;
        *)
            echo "auth-bench: unknown argument $1 (see --help)" >&2
            exit 2
            ;;
    esac
    shift
done
[[ $(id -u) -eq 0 ]] || {
    echo "auth-bench: needs root" >&2
    exit 1
}
if ((BUILD)); then
    ./scripts/install-deps.sh
    cmake --preset release >/dev/null
    cmake --build --preset release -j "${HAPAIR_JOBS:-$(nproc)}" --target proxyd vrrpd hapair-nameserver hapair-probe
fi
mkdir -p "$OUT"
trap '"${LAB[@]}" down >/dev/null 2>&1 || true' EXIT
log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

cpu_ns() { awk '{ print $1 }' "/proc/$1/schedstat"; }
pid_of() { # NODE DAEMON(vrrpd|keepalived): the process that sends adverts
    if [[ $2 == vrrpd ]]; then cat "$LAB_DIR/$1-vrrpd.pid"; else
        # Keepalived's VRRP child: the newest keepalived process in the node.
        ip netns pids "$(eval echo "\$NS_$1")" | xargs -r ps -o pid=,comm= -p | awk '$2 == "keepalived" { p = $1 } END { print p }'
    fi
}
counter() { # NODE NAME: a counter of vrrpd's status
    kill -USR1 "$(cat "$LAB_DIR/$1-vrrpd.pid")"
    sleep 0.3
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instances"][0]["counters"][sys.argv[2]])' \
        "$LAB_DIR/$1-vrrpd.json" "$2"
}

cpu_part() { # SETUP: off | enforce | keepalived
    local args=(--vrrp-version 3 --advert-int 10ms) daemon=vrrpd
    if [[ $1 == keepalived ]]; then args+=(--peer keepalived+haproxy) daemon=keepalived; else args+=(--auth "$1"); fi
    log "cpu: $1"
    "${LAB[@]}" -q up "${args[@]}"
    eval "$("${LAB[@]}" env)"
    "${LAB[@]}" wait-master lb1 20 >/dev/null
    sleep 1
    local m b m0 b0 s0 r0 s1 r1
    m=$(pid_of lb1 "$daemon") b=$(pid_of lb2 "$daemon")
    m0=$(cpu_ns "$m") b0=$(cpu_ns "$b")
    if [[ $daemon == vrrpd ]]; then s0=$(counter lb1 adverts_sent) r0=$(counter lb2 adverts_received); fi
    sleep "$SECONDS_RUN"
    local m1 b1
    m1=$(cpu_ns "$m") b1=$(cpu_ns "$b")
    if [[ $daemon == vrrpd ]]; then
        s1=$(counter lb1 adverts_sent) r1=$(counter lb2 adverts_received)
    else # Keepalived has no counters here: 100 adverts per second
        s0=0 r0=0 s1=$((SECONDS_RUN * 100)) r1=$s1
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$((s1 - s0))" "$((m1 - m0))" "$((r1 - r0))" "$((b1 - b0))" >>"$OUT/cpu.tsv"
    "${LAB[@]}" down
}

attack_part() { # MODE SPOOF(ip|mac) REP
    log "attack: auth_hmac $1, spoofing $2, rep $3"
    "${LAB[@]}" -q up --vrrp-version 3 --advert-int 100ms --auth "$1"
    eval "$("${LAB[@]}" env)"
    "${LAB[@]}" wait-master lb1 20 >/dev/null
    sleep 1
    local before1 before2 spoof=()
    before1=$(grep -c 'Entering BACKUP' "$LAB_DIR/lb1-vrrpd.log" || true)
    before2=$(grep -c 'Entering MASTER' "$LAB_DIR/lb2-vrrpd.log" || true)
    [[ $2 == mac ]] && spoof=(--iface eth1 --src-mac "$MAC_lb2" --dst-mac "$MAC_lb1")
    ip netns exec "$NS_client" "$LAB_BIN/hapair-probe" "$LAB_VIP:80" 10 8000 200 >"$OUT/attack-$1-$2-$3.probe" &
    local probe=$!
    sleep 1
    ip netns exec "$NS_client" python3 tests/tools/vrrp_forge.py forge --src "${LAB_VIP%.10}.12" \
        --dst "${LAB_VIP%.10}.11" --vrid 51 --priority 255 --count 200 --interval-ms 25 --vip "$LAB_VIP" \
        "${spoof[@]}" >/dev/null
    wait "$probe" || true
    local yielded taken
    yielded=$(($(grep -c 'Entering BACKUP' "$LAB_DIR/lb1-vrrpd.log" || true) - before1))
    taken=$(($(grep -c 'Entering MASTER' "$LAB_DIR/lb2-vrrpd.log" || true) - before2))
    read -r outage failed _ requests <<<"$("${LAB[@]}" probe-stats "$OUT/attack-$1-$2-$3.probe")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$outage" "$failed" "$yielded" "$taken" >>"$OUT/attack.tsv"
    log "auth_hmac $1, spoofing $2: outage $outage ms, $failed of $requests failed; lb1 yielded $yielded, lb2 MASTER $taken"
    "${LAB[@]}" down
}

: >"$OUT/cpu.tsv"
: >"$OUT/attack.tsv"
for setup in off enforce keepalived; do cpu_part "$setup"; done
for rep in $(seq 1 "$REPS"); do
    for mode in off enforce; do
        for spoof in ip mac; do attack_part "$mode" "$spoof" "$rep"; done
    done
done
{
    printf 'auth-bench: CPU per advert at 10 ms adverts over %s s (master: sending, backup: receiving)\n' "$SECONDS_RUN"
    printf '| setup | adverts sent | master µs/advert | adverts received | backup µs/advert |\n|---|---|---|---|---|\n'
    awk -F'\t' '{ printf "| %s | %d | %.1f | %d | %.1f |\n", ($1 == "keepalived" ? "Keepalived 2.2.7 (no auth)" : "vrrpd auth_hmac " $1), $2, ($2 ? $3 / $2 / 1000 : 0), $4, ($4 ? $5 / $4 / 1000 : 0) }' "$OUT/cpu.tsv"
    printf '\nForged-advert attack (200 adverts at priority 255 in 5 s claiming the backup), %s runs each\n' "$REPS"
    printf '| auth_hmac | spoofed | outage ms (each run) | failed requests | lb1 yielded | lb2 became MASTER |\n|---|---|---|---|---|---|\n'
    for mode in off enforce; do
        for spoof in ip mac; do
            awk -F'\t' -v m="$mode" -v p="$spoof" '$1 == m && $2 == p {
                    o = o s $4; f = f s $5; y = y s $6; t = t s $7; s = ", " }
                END { printf "| %s | %s | %s | %s | %s | %s |\n", m, (p == "ip" ? "address" : "address and MAC"), o, f, y, t }' \
                "$OUT/attack.tsv"
        done
    done
} | tee "$OUT/summary.txt"
