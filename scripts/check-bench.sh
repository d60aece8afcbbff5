#!/usr/bin/env bash
# Health-check cost: 1,000 servers checked every 2 s, CPU used by proxyd
# next to HAProxy 2.6 (Debian's) with the same servers, same run. Figures,
# not a test.
#
#   scripts/check-bench.sh                 release build, tcp and http checks
#   SERVERS=500 SECONDS_PER_RUN=10 scripts/check-bench.sh --no-build
#
# The servers are 127.0.1.1 ... (SERVERS addresses on loopback, one port):
# a single listener on 0.0.0.0 answers each connection with a 200 and
# closes. Each daemon runs alone for SECONDS_PER_RUN after a warm-up; its
# CPU time (user + system, /proc/PID/stat) over that window is printed as a
# percentage of one core.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVERS=${SERVERS:-1000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
if [[ ${1:-} != --no-build ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target proxyd >/dev/null
fi
command -v haproxy >/dev/null || { echo "check-bench: haproxy missing (scripts/install-deps.sh)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)

python3 - "$port" <<'PY' &
import asyncio, sys
async def answer(reader, writer):
    try:
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
    except Exception:
        pass
    writer.close()
async def main():
    server = await asyncio.start_server(answer, "0.0.0.0", int(sys.argv[1]), backlog=4096)
    await server.serve_forever()
asyncio.run(main())
PY
pids+=($!)
sleep 1

address() { local i=$1; echo "127.0.$((1 + i / 250)).$((1 + i % 250))"; }
ticks_per_second=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure LABEL PID: prints the CPU percentage of one core over the window.
measure() {
  sleep 3  # the first round of checks is spread over one interval
  local before after
  before=$(cpu_ticks "$2")
  sleep "$SECONDS_PER_RUN"
  after=$(cpu_ticks "$2")
  awk -v l="$1" -v d=$((after - before)) -v t="$ticks_per_second" -v s="$SECONDS_PER_RUN" \
    'BEGIN { printf "  %-22s %5.1f%% of one core\n", l, 100 * d / t / s }'
}

run() {  # KIND (tcp|http)
  local kind=$1 servers_ini="" servers_cfg="" i
  for ((i = 0; i < SERVERS; i++)); do
    servers_ini+="server = s$i $(address "$i"):$port"$'\n'
    servers_cfg+="  server s$i $(address "$i"):$port check"$'\n'
  done
  local check_ini="check = tcp" check_cfg=""
  if [[ $kind == http ]]; then
    check_ini="check = http GET /health"
    check_cfg="  option httpchk GET /health"
  fi
  cat >"$work/proxyd.ini" <<INI
[global]
log = stderr
pidfile = $work/proxyd.pid
maxconn = 4000
[defaults]
mode = http
[frontend www]
bind = 127.0.0.1:$(free_port)
backend = app
[backend app]
$check_ini
check_interval = 2s
$servers_ini
INI
  cat >"$work/haproxy.cfg" <<CFG
global
  pidfile $work/haproxy.pid
  maxconn 4000
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  timeout check 2s
frontend www
  bind 127.0.0.1:$(free_port)
  default_backend app
backend app
$check_cfg
  default-server inter 2s
$servers_cfg
CFG
  echo "$kind checks, $SERVERS servers every 2 s ($SECONDS_PER_RUN s window):"
  "${HAPAIR_BIN:-build/bin}/proxyd" -f "$work/proxyd.ini" >"$work/proxyd.log" 2>&1 &
  local pid=$!
  measure proxyd "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  pid=$!
  measure "haproxy 2.6" "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  if grep -q "is DOWN" "$work/proxyd.log"; then echo "  (proxyd marked servers DOWN: see $work/proxyd.log)"; fi
}

run tcp
run http
