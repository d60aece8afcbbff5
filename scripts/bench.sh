#!/usr/bin/env bash
# proxyd throughput benchmark, side by side with HAProxy (Debian's package),
# on loopback: nginx serves the content, wrk generates the load. Runs
# alternate between targets (direct, proxyd, haproxy) and the median of the
# rounds is printed. Figures, not a test: bounded in time (rounds x seconds).
#
#   scripts/bench.sh                 TCP, HTTP and TLS modes, 1 and 2 threads,
#                                    bulk transfer, memory per idle connection
#   ROUNDS=5 SECONDS_PER_RUN=10 CONNECTIONS=64 scripts/bench.sh
#   MODES="http tls" scripts/bench.sh   only some sections (tcp http tls cpu bulk idle rules)
#   MODES=rules scripts/bench.sh     the rule language: 20 ACLs, 10 http-request rules
#                                    (a 10,000-entry src -f list, a 10,000-line map,
#                                    %[...] headers, a regex replace) in both proxies
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-5}
CONNECTIONS=${CONNECTIONS:-50}
BULK_MB=${BULK_MB:-512}
MODES=${MODES:-tcp http tls cpu bulk idle rules}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
ulimit -n "$(ulimit -Hn)"  # 10,000 idle clients need the descriptors

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

# Both proxies log one line per request (or connection) to stderr, in the
# same one-field format: the same work, as operators run them.
# TLS termination: a self-signed certificate made for this run.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=bench.local \
  -keyout "$work/bench.key" -out "$work/bench.crt" 2>/dev/null
cat "$work/bench.crt" "$work/bench.key" >"$work/bench.pem"

start_proxyd() {  # port threads mode(tcp|http|tls) [extra keys]
  local mode=$3 bind="127.0.0.1:$1"
  [[ $mode == tls ]] && bind="$bind ssl crt=$work/bench.pem alpn=http/1.1"
  cat >"$work/proxyd-$1.ini" <<INI
[global]
log = stderr
pidfile = $work/proxyd-$1.pid
threads = $2
maxconn = ${MAXCONN:-4096}
[defaults]
mode = ${mode/tls/http}
dontlognull = true
log_format = %ci
timeout_http_keep_alive = 300s
timeout_client = 300s
${4:-}
[listen bench]
bind = $bind
server = nginx $BACKEND
${5:-}
INI
  build/bin/proxyd -f "$work/proxyd-$1.ini" >"$work/proxyd-$1.log" 2>&1 &
  pids+=($!)
}
start_haproxy() {  # port threads mode(tcp|http|tls) [extra lines]
  local mode=$3 bind="127.0.0.1:$1"
  [[ $mode == tls ]] && bind="$bind ssl crt $work/bench.pem alpn http/1.1"
  cat >"$work/haproxy-$1.cfg" <<CFG
global
  nbthread $2
  maxconn ${MAXCONN:-4096}
  ulimit-n 20000
  log stderr format raw local0 info
defaults
  log global
  log-format "%ci"
  option dontlognull
  mode ${mode/tls/http}
  timeout connect 5s
  timeout client 300s
  timeout server 60s
  timeout http-keep-alive 300s
${4:-}
listen bench
  bind $bind
  server nginx $BACKEND
${5:-}
CFG
  haproxy -f "$work/haproxy-$1.cfg" -db >"$work/haproxy-$1.log" 2>&1 &
  pids+=($!)
}
# The rule set of the "rules" section, in HAProxy's words; proxyd's lines are
# the same after `acl = ` and `http_request = `. None of them stops /small,
# and every ACL is evaluated on each request.
for ((i = 0; i < 10000; i++)); do echo "10.$((i / 256)).$((i % 256)).0/24"; done >"$work/blocked.lst"
for ((i = 0; i < 10000; i++)); do echo "host-$i.example.org be_$i"; done >"$work/hosts.map"
RULES=$(cat <<RULES
acl a1 path_beg /api/
acl a2 path_end .json
acl a3 hdr_dom(host) -i api.example.org
acl a4 hdr(user-agent) -m sub bot
acl a5 method POST PUT
acl a6 src 10.0.0.0/8
acl a7 path_reg ^/v[0-9]+/
acl a8 query -m sub debug=1
acl a9 hdr_cnt(x-forwarded-for) gt 3
acl a10 path_len gt 200
acl a11 cook(session) -m found
acl a12 url_param(lang) -i fr
acl a13 hdr_beg(host) -i shop.
acl a14 path_dir admin
acl a15 req.ver 1.0
acl a16 hdr(x-tenant),lower blue
acl a17 dst_port 8443
acl a18 path_sub secret
acl a19 hdr(accept) -m sub json
acl a20 src_port lt 1024
http-request deny if { src -f $work/blocked.lst }
http-request set-header X-Client %[src]
http-request set-header X-Host %[req.hdr(host),lower]
http-request set-header X-Backend %[req.hdr(host),lower,map($work/hosts.map,default)]
http-request replace-path ^/old/(.*) /new/\\1
http-request deny if a1 a6 || a2 || a3 a4 || a5 a7 || a8 || a9
http-request deny if a10 || a11 a12 || a13 || a14 a15 || a16 || a17 a18 || a19 a20
http-request return status 200 content-type text/plain string hi if a7 a5
http-request set-var(txn.tenant) req.hdr(x-tenant)
http-request del-header X-Internal
RULES
)
PROXYD_RULES=$(sed -e 's/^acl /acl = /' -e 's/^http-request /http_request = /' <<<"$RULES")
HAPROXY_RULES=$(sed 's/^/  /' <<<"$RULES")

# Ports: 180x0 proxyd 1 thread, 180x1 proxyd 2 threads, 180x5/180x6 HAProxy;
# x = 8 TCP, 7 HTTP, 6 TLS.
start_proxyd 18080 1 tcp
start_proxyd 18081 2 tcp
start_haproxy 18090 1 tcp
start_haproxy 18091 2 tcp
start_proxyd 17080 1 http
start_proxyd 17081 2 http
start_haproxy 17090 1 http
start_haproxy 17091 2 http
start_proxyd 14080 1 http "" "$PROXYD_RULES"
start_haproxy 14090 1 http "" "$HAPROXY_RULES"
start_proxyd 16080 1 tls
start_proxyd 16081 2 tls
start_haproxy 16090 1 tls
start_haproxy 16091 2 tls
# Idle keep-alive connections: the server side closes after each response
# (one descriptor per client fits the 20000 descriptor limit).
MAXCONN=$((IDLE_CONNECTIONS + 50)) start_proxyd 15080 1 http "http_server_close = true"
# HAProxy reserves two descriptors per connection: 9,900 is its most here.
HAPROXY_IDLE=$((IDLE_CONNECTIONS < 9900 ? IDLE_CONNECTIONS : 9900))
MAXCONN=$((HAPROXY_IDLE + 50)) start_haproxy 15090 1 http "  option http-server-close"
sleep 1
# Every target must be ours and up: a stray process on a port would
# silently take its place.
for port in 18181 18080 18081 18090 18091 17080 17081 17090 17091 15080 15090 14080 14090; do
  if ! curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/small"; then
    echo "bench: nothing answers on port $port; logs in $work" >&2
    cat "$work"/*.log >&2 || true
    exit 1
  fi
done
for port in 16080 16081 16090 16091; do
  if ! curl -sk -o /dev/null --max-time 2 "https://127.0.0.1:$port/small"; then
    echo "bench: nothing answers TLS on port $port; logs in $work" >&2
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
bench_mode() {  # label base-port(18080 tcp, 17080 http, 16080 tls) wrk-args...
  local label=$1 base=$2; shift 2
  local scheme=http
  ((base == 16080)) && scheme=https
  local targets=("direct $BACKEND" "proxyd-1t 127.0.0.1:$base" "haproxy-1t 127.0.0.1:$((base + 10))"
                 "proxyd-2t 127.0.0.1:$((base + 1))" "haproxy-2t 127.0.0.1:$((base + 11))")
  local r t name addr
  for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${targets[@]}"; do
      read -r name addr <<<"$t"
      local url="$scheme://$addr/small"
      [[ $name == direct ]] && url="http://$addr/small"
      read -r rps p99 < <(run_wrk "$url" "$@")
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

# CPU time (user + system, in clock ticks) used so far by <pid>.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# CPU microseconds per request of the process behind <port>, under the
# same wrk load: steadier than requests/s on a machine whose cores the
# load generator and the backend share.
cpu_per_request() {  # label pid url
  local before after out requests
  before=$(cpu_ticks "$2")
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" "$3" 2>&1)
  after=$(cpu_ticks "$2")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$(echo "($after - $before) * 1000000 / $(getconf CLK_TCK) / $requests" | bc -l)"
}

# Resident memory (KiB) of <pid>.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# Memory per idle keep-alive client connection: open N connections, one
# request each, keep them idle, compare the server's RSS before and after.
idle_memory() {  # label port pid connections
  local before after count=$4
  before=$(rss_kib "$3")
  python3 - "$2" "$count" <<'PY' &
import socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
conns = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /small HTTP/1.1\r\nHost: bench\r\n\r\n")
    got = b""
    while b"\r\n\r\n" not in got or len(got.split(b"\r\n\r\n", 1)[1]) < 100:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("closed early")
        got += chunk
    conns.append(s)
print("open", flush=True)
time.sleep(8)
PY
  local client=$!
  sleep 1
  local waited=0
  while ((waited < 60)) && [[ $(ss -Htn state established "( sport = :$2 )" | wc -l) -lt $count ]]; do
    sleep 1
    waited=$((waited + 1))
  done
  sleep 2
  after=$(rss_kib "$3")
  printf '  %-12s %8d KiB before, %8d KiB with %d idle: %6.2f KiB per connection\n' "$1" "$before" "$after" \
    "$count" "$(echo "($after - $before) / $count" | bc -l)"
  wait "$client" || true
}

echo "hapair bench: $(nproc) cores, $(uname -r); proxyd $(build/bin/proxyd -V | awk '{print $2}'), $(haproxy -v | head -1 | awk '{print $1, $3}')"
if [[ " $MODES " == *" tcp "* ]]; then
  bench_mode "TCP mode, keep-alive" 18080
  bench_mode "TCP mode, Connection: close" 18080 -H "Connection: close"
fi
if [[ " $MODES " == *" http "* ]]; then
  bench_mode "HTTP mode, keep-alive" 17080
  bench_mode "HTTP mode, Connection: close" 17080 -H "Connection: close"
fi
if [[ " $MODES " == *" tls "* ]]; then
  bench_mode "TLS termination (HTTP mode), keep-alive" 16080
  bench_mode "TLS termination (HTTP mode), Connection: close (full handshakes)" 16080 -H "Connection: close"
fi

if [[ " $MODES " == *" cpu "* ]]; then
  printf '\nCPU per request, HTTP keep-alive, 1 thread (median of %s runs of %ss)\n' "$ROUNDS" "$SECONDS_PER_RUN"
  ppid=$(cat "$work/proxyd-17080.pid")
  hpid=$(pgrep -f "haproxy-17090.cfg" | head -1)
  pv="" hv=""
  for ((r = 1; r <= ROUNDS; r++)); do
    pv+="$(cpu_per_request proxyd "$ppid" http://127.0.0.1:17080/small) "
    hv+="$(cpu_per_request haproxy "$hpid" http://127.0.0.1:17090/small) "
  done
  printf '  %-12s %8.1f us\n' proxyd "$(tr ' ' '\n' <<<"$pv" | grep . | median)" haproxy \
    "$(tr ' ' '\n' <<<"$hv" | grep . | median)"
fi

if [[ " $MODES " == *" bulk "* ]]; then
  printf '\nBulk transfer (%s MB, one connection, median of %s)\n' "$BULK_MB" "$ROUNDS"
  for t in "direct $BACKEND" "proxyd-1t 127.0.0.1:18080" "haproxy-1t 127.0.0.1:18090" "proxyd-http 127.0.0.1:17080" \
    "haproxy-http 127.0.0.1:17090"; do
    read -r name addr <<<"$t"
    vals=""
    for ((r = 1; r <= ROUNDS; r++)); do vals+="$(bulk "$addr") "; done
    printf '  %-12s %8s MB/s\n' "$name" "$(tr ' ' '\n' <<<"$vals" | grep . | median)"
  done
fi

if [[ " $MODES " == *" idle "* ]]; then
  printf '\nMemory per idle keep-alive client connection (%s connections, HTTP mode, 1 thread)\n' "$IDLE_CONNECTIONS"
  idle_memory proxyd 15080 "$(cat "$work/proxyd-15080.pid")" "$IDLE_CONNECTIONS"
  idle_memory haproxy 15090 "$(pgrep -f "haproxy-15090.cfg" | head -1)" "$HAPROXY_IDLE"
fi

if [[ " $MODES " == *" rules "* ]]; then
  printf '\nRule language (HTTP keep-alive, 1 thread, %s rounds x %ss): 20 ACLs, 10 http-request rules,\n' \
    "$ROUNDS" "$SECONDS_PER_RUN"
  printf '  a 10,000-entry src -f list, a 10,000-line map, %%[...] headers, a regex replace\n'
  targets=("proxyd-none 127.0.0.1:17080" "proxyd-rules 127.0.0.1:14080" "haproxy-rules 127.0.0.1:14090")
  declare -A RR
  for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${targets[@]}"; do
      read -r name addr <<<"$t"
      read -r rps _ < <(run_wrk "http://$addr/small")
      RR[$name]+="$rps "
    done
  done
  for t in "${targets[@]}"; do
    read -r name addr <<<"$t"
    printf '  %-14s %10.0f req/s\n' "$name" "$(tr ' ' '\n' <<<"${RR[$name]}" | grep . | median)"
  done
  none=$(tr ' ' '\n' <<<"${RR[proxyd-none]}" | grep . | median)
  ours=$(tr ' ' '\n' <<<"${RR[proxyd-rules]}" | grep . | median)
  theirs=$(tr ' ' '\n' <<<"${RR[haproxy-rules]}" | grep . | median)
  printf '  proxyd with rules / without: %.1f%%   proxyd / haproxy with rules: %.2fx\n' \
    "$(echo "$ours * 100 / $none" | bc -l)" "$(echo "$ours / $theirs" | bc -l)"
  pv="" hv="" nv=""
  ppid=$(cat "$work/proxyd-14080.pid")
  npid=$(cat "$work/proxyd-17080.pid")
  hpid=$(pgrep -f "haproxy-14090.cfg" | head -1)
  for ((r = 1; r <= ROUNDS; r++)); do
    nv+="$(cpu_per_request proxyd "$npid" http://127.0.0.1:17080/small) "
    pv+="$(cpu_per_request proxyd "$ppid" http://127.0.0.1:14080/small) "
    hv+="$(cpu_per_request haproxy "$hpid" http://127.0.0.1:14090/small) "
  done
  printf '  CPU per request: proxyd without rules %.1f us, proxyd with rules %.1f us, haproxy with rules %.1f us\n' \
    "$(tr ' ' '\n' <<<"$nv" | grep . | median)" "$(tr ' ' '\n' <<<"$pv" | grep . | median)" \
    "$(tr ' ' '\n' <<<"$hv" | grep . | median)"
fi
