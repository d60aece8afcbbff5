#!/usr/bin/env bash
# README command 1: install the dependencies, build (Release), and show the
# pair at work in the HA lab (scripts/lab.sh): requests through the VIP
# balanced over web1 and web2, proxyd killed on the master and the VIP moving
# to the backup while the client keeps being served, proxyd back and the
# master taking over again, with the outages the client saw. Needs root.
#
#   scripts/demo.sh             the whole thing (under a minute after the build)
#   scripts/demo.sh --keep      leave the lab up afterwards (scripts/lab.sh --name demo down)
#   scripts/demo.sh --quick     shorter phases, no pauses (the CTest smoke run)
#   scripts/demo.sh --no-build  use the binaries in $HAPAIR_BIN (default build/bin) as they are
#
# Exit status: 0 when the takeover and the failback happened and no request
# failed once the new master served; 1 otherwise; 77 without root.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0 BUILD=1 KEEP=0
for arg in "$@"; do
    case $arg in
        --quick) QUICK=1 ;;
        --no-build) BUILD=0 ;;
        --keep) KEEP=1 ;;
        -h | --help)
            sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
            exit 0
            ;;
        *)
            echo "demo.sh: unknown argument $arg (see --help)" >&2
            exit 2
            ;;
    esac
done
if [[ $(id -u) -ne 0 ]]; then
    echo "demo.sh: the lab builds network namespaces: run as root (sudo $0)" >&2
    exit 77
fi

if [[ -t 1 ]]; then
    BOLD=$'\033[1m' DIM=$'\033[2m' RED=$'\033[31m' GREEN=$'\033[32m' YELLOW=$'\033[33m' CYAN=$'\033[36m' RESET=$'\033[0m'
else
    BOLD='' DIM='' RED='' GREEN='' YELLOW='' CYAN='' RESET=''
fi
step() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
say() { printf '    %s\n' "$*"; }
pause() { ((QUICK)) || sleep "$1"; }
FAILURES=()
check() { # DESCRIPTION CMD...: records a failed expectation
    local what=$1
    shift
    if "$@"; then
        printf '    %s✔ %s%s\n' "$GREEN" "$what" "$RESET"
    else
        printf '    %s✘ %s%s\n' "$RED" "$what" "$RESET"
        FAILURES+=("$what")
    fi
}

if ((BUILD)); then
    step "installing dependencies (scripts/install-deps.sh)"
    ./scripts/install-deps.sh
    step "building (Release) into build/"
    cmake --preset release >/dev/null
    cmake --build --preset release -j "${HAPAIR_JOBS:-$(nproc)}" --target proxyd vrrpd hapair-nameserver hapair-probe
fi

LAB=(scripts/lab.sh --name demo)
# Set by `lab.sh env` once the lab is up.
LAB_VIP='' LAB_DIR='' LAB_BIN='' NS_client='' MAC_lb1='' MAC_lb2=''
BACKGROUND=()
cleanup() {
    local pid
    for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
    if ((KEEP)); then
        printf '\nThe lab is still up: scripts/lab.sh --name demo status | exec NODE CMD... | down\n'
    else
        "${LAB[@]}" down
    fi
}
trap cleanup EXIT

step "the HA lab: two load balancers, two web servers and a client in network namespaces"
"${LAB[@]}" up | sed 's/^/    /'
eval "$("${LAB[@]}" env)"
cat <<EOF
    ${DIM}lb1 and lb2 each run proxyd (balancing web1/web2, bound to the VIP on both nodes)
    and vrrpd (VRRPv3, adverts every 100 ms, tracking proxyd through its pidfile);
    lb1 has priority 200, so it is MASTER and holds the VIP $LAB_VIP.
    Configurations and logs: $LAB_DIR${RESET}
EOF
pause 1

# Which balancer the client's packets for the VIP go to: the MAC its ARP
# cache holds for the VIP, which the master's gratuitous ARPs set.
via() {
    local neigh
    neigh=$(ip -n "$NS_client" neigh show "$LAB_VIP")
    case $neigh in
        *"$MAC_lb1"*) echo lb1 ;;
        *"$MAC_lb2"*) echo lb2 ;;
        *) echo "?" ;;
    esac
}
request() {
    local body
    if body=$(ip netns exec "$NS_client" curl -fs -m 0.5 "http://$LAB_VIP/"); then
        printf '    %s  GET http://%s/  %s%-5s%s via %s%s%s\n' "$(date +%T.%3N)" "$LAB_VIP" "$GREEN" "$body" "$RESET" \
            "$CYAN" "$(via)" "$RESET"
    else
        printf '    %s  GET http://%s/  %sfailed%s\n' "$(date +%T.%3N)" "$LAB_VIP" "$RED" "$RESET"
    fi
}
requests() { # COUNT INTERVAL
    local i
    for ((i = 0; i < $1; i++)); do
        request
        sleep "$2"
    done
}

# vrrpd's log lines as they are written: "09:58:18.601 lb1 vrrpd: (VI_1) Entering FAULT STATE".
follow_logs() {
    local node
    for node in lb1 lb2; do
        tail -n0 -F --pid=$$ "$LAB_DIR/$node-vrrpd.log" 2>/dev/null |
            sed -u -E "s/^[0-9-]+ ([0-9:.]+) vrrpd\[[0-9]+\]: <[a-z]+> (.*)/    \1 ${YELLOW}$node vrrpd${RESET}: \2/" &
        BACKGROUND+=($!)
    done
}
# The probe: one request every 10 ms through the VIP, its result kept in a file.
start_probe() {
    ip netns exec "$NS_client" "$LAB_BIN/hapair-probe" "$LAB_VIP:80" 10 30000 200 >"$LAB_DIR/$1.probe" &
    PROBE=$!
    BACKGROUND+=("$PROBE")
}
# Stops the probe; sets OUTAGE FAILED LOST (failures after the recovery) and
# prints them. The outage is the longest gap between two successes.
stop_probe() {
    kill -INT "$PROBE"
    wait "$PROBE" || true
    read -r OUTAGE FAILED LOST TOTAL <<<"$("${LAB[@]}" probe-stats "$LAB_DIR/$1.probe")"
    say "${BOLD}the client (one request every 10 ms, $TOTAL requests): outage $OUTAGE ms, $FAILED failed, $LOST after the recovery${RESET}"
}
sole() { [[ $("${LAB[@]}" master) == "$1" ]]; }
wait_sole() { "${LAB[@]}" wait-master "$1" "$2" 2>/dev/null; }

step "requests through the VIP: proxyd on lb1 balances them over web1 and web2"
requests "$((QUICK ? 4 : 6))" 0.2
pause 1

step "kill -9 proxyd on lb1, the master, while the client keeps sending"
follow_logs
start_probe takeover
requests 2 0.2
printf '    %s  %skill -9 proxyd on lb1%s\n' "$(date +%T.%3N)" "$RED" "$RESET"
"${LAB[@]}" kill lb1 proxyd KILL
requests "$((QUICK ? 4 : 8))" 0.2
check "lb2 alone holds the VIP" wait_sole lb2 5
stop_probe takeover
TAKEOVER_OUTAGE=$OUTAGE TAKEOVER_FAILED=$FAILED
check "no request failed once lb2 served" test "$LOST" -eq 0
pause 2

step "proxyd comes back on lb1: vrrpd sees it, lb1 takes the VIP back (preempt)"
start_probe failback
printf '    %s  %sstarting proxyd on lb1%s\n' "$(date +%T.%3N)" "$GREEN" "$RESET"
"${LAB[@]}" start lb1 proxyd
requests "$((QUICK ? 5 : 8))" 0.2
check "lb1 alone holds the VIP again" wait_sole lb1 5
stop_probe failback
FAILBACK_OUTAGE=$OUTAGE FAILBACK_FAILED=$FAILED
check "no request failed once lb1 served" test "$LOST" -eq 0
for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
BACKGROUND=()

step "what the client saw"
say "takeover (proxyd killed on the master): $TAKEOVER_OUTAGE ms without an answer, failed requests: $TAKEOVER_FAILED"
say "failback (proxyd restarted, lb1 preempts): $FAILBACK_OUTAGE ms, failed requests: $FAILBACK_FAILED"
say "${DIM}(about 10 ms is the probe's own interval: no outage at all)${RESET}"
say "${DIM}more scenarios, next to HAProxy + Keepalived: scripts/failover-bench.sh${RESET}"
if ((${#FAILURES[@]})); then
    printf '\n%sdemo: FAILED: %s%s\n' "$RED" "$(IFS=';'; echo "${FAILURES[*]}")" "$RESET"
    exit 1
fi
