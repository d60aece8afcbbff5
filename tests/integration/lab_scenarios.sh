#!/usr/bin/env bash
# The pair end to end in the HA lab (scripts/lab.sh), with generous bounds:
# every failure scenario of scripts/failover-bench.sh hands the VIP over,
# exactly one node holds it once things settle, no request fails after the
# takeover, notify scripts run once each and in order, a healed partition
# leaves one master; then the lab's other transports and the Keepalived +
# HAProxy peer. The figures themselves are scripts/failover-bench.sh's job.
#
#   HAPAIR_BIN=build/asan/bin tests/integration/lab_scenarios.sh     (root; 77 = skipped)
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ $(id -u) -ne 0 ]]; then
    echo "lab scenarios: need root (network namespaces): skipped"
    exit 77
fi

NAME=t$$
LAB=(scripts/lab.sh --name "$NAME")
# Set by `lab.sh env` in up().
LAB_VIP='' LAB_DIR='' LAB_BIN='' NS_client=''
MISSED=()
BACKGROUND=()
cleanup() {
    local pid
    for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
    "${LAB[@]}" down
}
trap cleanup EXIT

# Labs of earlier runs that died before cleaning up (hapair-t<pid>-*).
for ns in $(ip netns list | sed -n 's/^hapair-t\([0-9][0-9]*\)-.*/\1/p' | sort -u); do
    kill -0 "$ns" 2>/dev/null || scripts/lab.sh --name "t$ns" down
done

section() { printf '\n== %s\n' "$*"; }
expect() { # DESCRIPTION CMD...
    local what=$1
    shift
    if "$@"; then
        printf 'ok      %s\n' "$what"
    else
        printf 'FAILED  %s\n' "$what"
        MISSED+=("$what")
    fi
}

holders() { "${LAB[@]}" master; }
sole() { "${LAB[@]}" wait-master "$1" "${2:-0}" 2>/dev/null; }
both_hold() { [[ $(holders) == "lb1 lb2" ]]; }
holds() { [[ $(holders) == *"$1"* ]]; }
eventually() { # SECONDS CMD... (SECONDS may be 0.5)
    local deadline
    deadline=$(($(date +%s%N) + $(awk -v t="$1" 'BEGIN { printf "%d", t * 1000 }') * 1000000))
    shift
    until "$@"; do
        (($(date +%s%N) < deadline)) || return 1
        sleep 0.02
    done
}
lines() { wc -l <"$1" 2>/dev/null || echo 0; }
since() { tail -n "+$(($2 + 1))" "$1" 2>/dev/null || true; } # FILE MARK: lines after MARK
logged_since() { since "$1" "$2" | grep -qF -- "$3"; }         # FILE MARK TEXT

# The probe in the client, in the background; stop_probe leaves OUTAGE FAILED LOST.
start_probe() {
    ip netns exec "$NS_client" "$LAB_BIN/hapair-probe" "$LAB_VIP:80" 10 30000 200 >"$LAB_DIR/$1.probe" &
    PROBE=$!
    BACKGROUND+=("$PROBE")
    sleep 0.3
}
stop_probe() {
    kill -INT "$PROBE"
    wait "$PROBE" || true
    read -r OUTAGE FAILED LOST _ <<<"$("${LAB[@]}" probe-stats "$LAB_DIR/$1.probe")"
    printf '        client: outage %s ms, %s failed, %s after the recovery\n' "$OUTAGE" "$FAILED" "$LOST"
}
outage_below() { [[ $OUTAGE =~ ^[0-9]+$ ]] && ((OUTAGE < $1)); }

# The notify lines ("<time> <node> <state>") written after mark_notify:
# NODE's states ("BACKUP,MASTER"), or with no NODE both nodes' merged in
# time order ("lb1 FAULT,lb2 MASTER": only for transitions far enough apart).
mark_notify() { N1=$(lines "$LAB_DIR/lb1-notify.log") N2=$(lines "$LAB_DIR/lb2-notify.log"); }
notify_since_mark() {
    local node=${1:-}
    { since "$LAB_DIR/lb1-notify.log" "$N1"; since "$LAB_DIR/lb2-notify.log" "$N2"; } | sort -n |
        awk -v node="$node" 'node == "" || $2 == node { printf "%s%s", n++ ? "," : "", node == "" ? $2 " " $3 : $3 }'
}
notify_matches() { [[ $(notify_since_mark "$NOTIFY_NODE") == "$NOTIFY_EXPECTED" ]]; }
sorted_list() { tr ',' '\n' <<<"$1" | sort | paste -sd, -; }
notify_set_matches() { [[ $(sorted_list "$(notify_since_mark)") == "$(sorted_list "$NOTIFY_EXPECTED")" ]]; }
notify_set_is() { # EXPECTED: the same scripts in any order (two nodes acting at the same instant)
    NOTIFY_EXPECTED=$1
    eventually 3 notify_set_matches || {
        echo "        notify: got '$(notify_since_mark)', expected '$1' in any order"
        return 1
    }
}
notify_is() { # EXPECTED [NODE]: waits for the scripts (they run after the transition)
    NOTIFY_EXPECTED=$1 NOTIFY_NODE=${2:-}
    eventually 3 notify_matches || {
        echo "        notify: got '$(notify_since_mark "$NOTIFY_NODE")', expected '$1'"
        return 1
    }
}

up() { # LAB OPTIONS...
    "${LAB[@]}" -q up "$@"
    eval "$("${LAB[@]}" env)"
}

# ------------------------------------------------------------------ hapair, VRRPv3 100ms, unicast
section "lab up: proxyd + vrrpd, VRRPv3, 100 ms adverts, unicast (the shipped configuration)"
up
expect "lb1 alone holds the VIP" sole lb1 1
served=$(for _ in 1 2 3 4; do "${LAB[@]}" exec client curl -fs -m 1 "http://$LAB_VIP/"; done | sort -u | tr '\n' ' ')
expect "requests through the VIP reach web1 and web2 (got: $served)" test "$served" == "web1 web2 "

section "1. proxyd killed (-9) on the master"
mark_notify
start_probe s1
"${LAB[@]}" kill lb1 proxyd KILL
expect "lb2 alone holds the VIP within 2 s" sole lb2 2
expect "lb1 vrrpd logged the tracker and FAULT" logged_since "$LAB_DIR/lb1-vrrpd.log" 0 "(VI_1) Entering FAULT STATE"
sleep 0.5
stop_probe s1
expect "the client's outage is under 1 s" outage_below 1000
expect "no request failed after the takeover" test "$LOST" -eq 0
# lb2 takes over on lb1's priority 0 at once (sole peer): the two scripts
# start within a millisecond, in either order.
expect "notify scripts ran once each: lb1 FAULT, lb2 MASTER" notify_set_is "lb1 FAULT,lb2 MASTER"

section "6. failback: proxyd restarts, lb1 preempts"
mark_notify
start_probe s6
"${LAB[@]}" start lb1 proxyd
expect "lb1 alone holds the VIP within 3 s" sole lb1 3
sleep 0.5
stop_probe s6
# A preemptive failback moves the ARP from lb2 to lb1 while a request may be
# in flight to lb2: lb1 resets it (seen once in ~30 CI runs). The drain
# handover (nftables forwarding to the old holder) is what removes it; until
# then more than one is a regression.
expect "at most one request failed (the one in flight when the ARP moved)" test "$FAILED" -le 1
expect "notify on lb1: BACKUP then MASTER" notify_is "BACKUP,MASTER" lb1
expect "notify on lb2: BACKUP" notify_is "BACKUP" lb2

section "2. every backend unreachable from the master only (track_http on proxyd's health)"
mark_notify
start_probe s2
"${LAB[@]}" block-backends lb1
expect "lb2 alone holds the VIP within 3 s" sole lb2 3
expect "lb1 vrrpd logged the health tracker going down" logged_since "$LAB_DIR/lb1-vrrpd.log" 0 "Track http health: down"
sleep 0.5
stop_probe s2
expect "no request failed after the takeover" test "$LOST" -eq 0
expect "notify: lb1 FAULT, lb2 MASTER (any order: an immediate takeover)" notify_set_is "lb1 FAULT,lb2 MASTER"
"${LAB[@]}" unblock-backends lb1
expect "lb1 takes the VIP back within 5 s of the backends' return" sole lb1 5

section "3. vrrpd killed (-9) on the master; proxyd keeps running"
start_probe s3
mark=$(lines "$LAB_DIR/lb1-vrrpd.log")
"${LAB[@]}" kill lb1 vrrpd KILL
expect "lb2 takes the VIP within 2 s (lb1 still has the one the dead vrrpd left)" eventually 2 both_hold
sleep 0.5
stop_probe s3
# Both nodes hold the VIP until lb2's gratuitous ARPs move the client: a
# connection opened to lb1 just before the move can be reset when its next
# packets reach lb2 (seen once in ~20 runs). More than that is a regression.
expect "at most one request failed (the one in flight when the ARP moved)" test "$FAILED" -le 1
"${LAB[@]}" start lb1 vrrpd
expect "the restarted vrrpd removes the stale VIP and logs it" \
    eventually 2 logged_since "$LAB_DIR/lb1-vrrpd.log" "$mark" "removed stale VIP $LAB_VIP/24 from eth1"
expect "then lb1 alone holds the VIP within 3 s" sole lb1 3

section "4. vrrpd stopped (SIGTERM) on the master"
mark_notify
start_probe s4
"${LAB[@]}" kill lb1 vrrpd TERM
expect "lb2 alone holds the VIP within 1 s" sole lb2 1
sleep 0.5
stop_probe s4
expect "the client's outage is under 500 ms" outage_below 500
expect "no request failed after the takeover" test "$LOST" -eq 0
# The backup takes over on the priority-0 advert at once (sole peer, no
# Skew_Time): its notify_master may run before the old master's notify_stop.
expect "notify: lb1 STOP, lb2 MASTER (any order)" notify_set_is "lb1 STOP,lb2 MASTER"
"${LAB[@]}" start lb1 vrrpd
expect "lb1 takes the VIP back within 3 s of vrrpd's restart" sole lb1 3

section "5. the master's link goes down"
start_probe s5
"${LAB[@]}" link lb1 down
expect "lb2 alone holds the VIP within 2 s" sole lb2 2
sleep 0.5
stop_probe s5
expect "no request failed after the takeover" test "$LOST" -eq 0
"${LAB[@]}" link lb1 up
expect "lb1 takes the VIP back within 3 s of the link's return" sole lb1 3

section "split brain: VRRP dropped between lb1 and lb2, clients still reach both"
loser_logged() {
    logged_since "$LAB_DIR/lb2-vrrpd.log" "$M2" "split brain: second MASTER" &&
        logged_since "$LAB_DIR/lb2-vrrpd.log" "$M2" "split brain resolved: yielding to"
}
winner_logged() {
    logged_since "$LAB_DIR/lb1-vrrpd.log" "$M1" "split brain: second MASTER" &&
        logged_since "$LAB_DIR/lb1-vrrpd.log" "$M1" "split brain resolved:" &&
        logged_since "$LAB_DIR/lb1-vrrpd.log" "$M1" "Sending gratuitous ARP"
}
heal_once() {
    local healed_at took
    "${LAB[@]}" partition
    expect "both nodes become MASTER and hold the VIP" eventually 2 both_hold
    sleep 0.3
    M1=$(lines "$LAB_DIR/lb1-vrrpd.log") M2=$(lines "$LAB_DIR/lb2-vrrpd.log")
    healed_at=$(date +%s%N)
    "${LAB[@]}" heal
    eventually 2 sole lb1 || true
    took=$((($(date +%s%N) - healed_at) / 1000000))
    expect "within 500 ms of the heal lb1 alone holds the VIP, lb2 removed it (${took} ms)" test "$took" -lt 500
    expect "lb2 logs the split brain and yields" eventually 1 loser_logged
    expect "lb1 logs the split brain, its end, and re-sends gratuitous ARPs" eventually 1 winner_logged
    # Clients whose ARP cache followed lb2 during the partition must come back to lb1.
    sleep 0.3
    start_probe "split-$1"
    sleep 1
    stop_probe "split-$1"
    expect "the client is served again after the heal" test "$FAILED" -eq 0
}
# Which master hears the other first after a heal is a race: three rounds.
for round in 1 2 3; do heal_once "$round"; done

# ------------------------------------------------------------------ other transports, the peer
section "lab up: proxyd + vrrpd, VRRPv2 with PASS, 1 s adverts, multicast"
up --multicast --vrrp-version 2
expect "lb1 alone holds the VIP" sole lb1 1
mark_notify
start_probe v2
"${LAB[@]}" kill lb1 proxyd KILL
expect "proxyd killed: lb2 alone holds the VIP within 3 s" sole lb2 3
sleep 0.5
stop_probe v2
expect "no request failed after the takeover" test "$LOST" -eq 0
expect "notify: lb1 FAULT, lb2 MASTER (any order: an immediate takeover)" notify_set_is "lb1 FAULT,lb2 MASTER"

if command -v keepalived >/dev/null && command -v haproxy >/dev/null; then
    section "lab up: HAProxy + Keepalived from Debian (the tutorials' configuration), VRRPv2, 1 s"
    up --peer keepalived+haproxy --vrrp-version 2
    expect "lb1 alone holds the VIP" sole lb1 1
    mark_notify
    "${LAB[@]}" kill lb1 haproxy KILL
    expect "haproxy killed: lb2 alone holds the VIP within 6 s (a 2 s check, then Skew_Time)" sole lb2 6
    expect "notify: lb1 FAULT, lb2 MASTER" notify_is "lb1 FAULT,lb2 MASTER"
else
    section "HAProxy + Keepalived peer: keepalived or haproxy missing, skipped"
fi

"${LAB[@]}" down
leftover=$(ip netns list | grep -c "^hapair-$NAME-" || true)
expect "lab.sh down leaves no namespace behind" test "$leftover" -eq 0
expect "lab.sh down leaves no files behind" test ! -e "/run/hapair-lab/$NAME"

if ((${#MISSED[@]})); then
    printf '\n%d expectation(s) failed:\n' "${#MISSED[@]}"
    printf '  %s\n' "${MISSED[@]}"
    exit 1
fi
printf '\nall expectations met\n'
