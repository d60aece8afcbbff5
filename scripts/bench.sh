#!/usr/bin/env bash
# proxyd throughput benchmark, side by side with HAProxy (Debian's package),
# on loopback: nginx serves the content, wrk generates the load. Runs
# alternate between targets (direct, proxyd, haproxy) and the median of the
# rounds is printed. Figures, not a test: bounded in time (rounds x seconds).
#
#   scripts/bench.sh                 TCP mode, 1 and 2 threads
#   ROUNDS=5 SECONDS_PER_RUN=10 CONNECTIONS=64 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNECTIONS=${CONNECTIONS:-50}
BULK_MB=${BULK_MB:-512}

./scripts/install-deps.sh
need=()
for p in nginx-light wrk haproxy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  echo "bench: installing ${need[*]}"
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1
  rm -f /usr/sbin/policy-rc.d
fi
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target proxyd >/dev/null

work=$(mktemp -d /tmp/hapair-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as www-data
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

BACKEND=127.0.0.1:18181
mkdir -p "$work/www"
head -c 100 /dev/zero | tr '\0' 'x' >"$work/www/small"
dd if=/dev/zero of="$work/www/big" bs=1M count="$BULK_MB" status=none
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen $BACKEND; root $work/www; }
}
NGINX
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)

start_proxyd() {  # port threads
  cat >"$work/proxyd-$1.ini" <<INI
[global]
log = stderr
pidfile = $work/proxyd-$1.pid
threads = $2
maxconn = 4096
[defaults]
dontlognull = true
log_format = %ci
[listen bench]
bind = 127.0.0.1:$1
server = nginx $BACKEND
INI
  build/bin/proxyd -f "$work/proxyd-$1.ini" >"$work/proxyd-$1.log" 2>&1 &
  pids+=($!)
}
start_haproxy() {  # port threads
  cat >"$work/haproxy-$1.cfg" <<CFG
global
  nbthread $2
  maxconn 4096
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
listen bench
  bind 127.0.0.1:$1
  server nginx $BACKEND
CFG
  haproxy -f "$work/haproxy-$1.cfg" -db >"$work/haproxy-$1.log" 2>&1 &
  pids+=($!)
}
start_proxyd 18080 1
start_proxyd 18081 2
start_haproxy 18090 1
start_haproxy 18091 2
sleep 1
# Every target must be ours and up: a stray process on a port would
# silently take its place.
for port in 18181 18080 18081 18090 18091; do
  if ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/small"; then
    echo "bench: nothing answers on port $port; logs in $work" >&2
    cat "$work"/*.log >&2 || true
    exit 1
  fi
done
for p in "${pids[@]}"; do
  kill -0 "$p" 2>/dev/null || { echo "bench: a server died at start; logs:" >&2; cat "$work"/*.log >&2; exit 1; }
done

# wrk: requests/s and p99 latency (ms) for one run.
run_wrk() {  # url [extra wrk args]
  local out rps p99
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency "$@" 2>&1)
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "bench: non-2xx responses from $1" >&2
    return 1
  fi
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")
  echo "${rps:-0} ${p99:-0}"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A RPS P99
bench_mode() {  # label wrk-args...
  local label=$1; shift
  local targets=("direct $BACKEND" "proxyd-1t 127.0.0.1:18080" "haproxy-1t 127.0.0.1:18090"
                 "proxyd-2t 127.0.0.1:18081" "haproxy-2t 127.0.0.1:18091")
  local r t name addr
  for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${targets[@]}"; do
      read -r name addr <<<"$t"
      read -r rps p99 < <(run_wrk "http://$addr/small" "$@")
      RPS[$label/$name]+="$rps "
      P99[$label/$name]+="$p99 "
    done
  done
  printf '\n%s (%s rounds x %ss, %s connections, 100-byte responses)\n' "$label" "$ROUNDS" "$SECONDS_PER_RUN" "$CONNECTIONS"
  printf '  %-12s %12s %12s\n' target 'req/s' 'p99 ms'
  for t in "${targets[@]}"; do
    read -r name addr <<<"$t"
    printf '  %-12s %12.0f %12.2f\n' "$name" "$(tr ' ' '\n' <<<"${RPS[$label/$name]}" | grep . | median)" \
      "$(tr ' ' '\n' <<<"${P99[$label/$name]}" | grep . | median)"
  done
  for th in 1t 2t; do
    local ours theirs
    ours=$(tr ' ' '\n' <<<"${RPS[$label/proxyd-$th]}" | grep . | median)
    theirs=$(tr ' ' '\n' <<<"${RPS[$label/haproxy-$th]}" | grep . | median)
    printf '  proxyd/haproxy %s: %.2fx\n' "$th" "$(echo "$ours / $theirs" | bc -l)"
  done
}

bulk() {  # addr -> MB/s
  curl -s -o /dev/null --max-time 120 -w '%{speed_download}\n' "http://$1/big" | awk '{printf "%.0f", $1/1048576}'
}

echo "hapair bench: $(nproc) cores, $(uname -r); proxyd $(build/bin/proxyd -V | awk '{print $2}'), $(haproxy -v | head -1 | awk '{print $1, $3}')"
bench_mode "TCP mode, keep-alive"
bench_mode "TCP mode, Connection: close" -H "Connection: close"

printf '\nBulk transfer (%s MB, one connection, median of %s)\n' "$BULK_MB" "$ROUNDS"
for t in "direct $BACKEND" "proxyd-1t 127.0.0.1:18080" "haproxy-1t 127.0.0.1:18090"; do
  read -r name addr <<<"$t"
  vals=""
  for ((r = 1; r <= ROUNDS; r++)); do vals+="$(bulk "$addr") "; done
  printf '  %-12s %8s MB/s\n' "$name" "$(tr ' ' '\n' <<<"$vals" | grep . | median)"
done
