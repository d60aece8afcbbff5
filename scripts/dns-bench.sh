#!/usr/bin/env bash
# DNS figures: how long after a name's address changes in DNS the first
# request reaches the new address, proxyd next to HAProxy 2.6 (Debian's)
# with the same resolvers settings (hold valid 1s, timeout resolve 1s),
# same DNS server (dnsmasq on loopback), same run. Figures, not a test.
#
#   scripts/dns-bench.sh            release build, 10 changes
#   REPS=5 scripts/dns-bench.sh --no-build
#
# Each repetition: the name points at 127.0.0.2 (server "a") until both
# proxies serve "a", then at 127.0.0.3 ("b"); dnsmasq rereads its hosts
# file (SIGHUP) at t0, t0 falling at evenly spread fractions of a second;
# a client asks each proxy every 5 ms until "b" answers. Printed: the median and the range of t(first "b") - t0, and any
# failed request during the change (there should be none). With a name
# asked every second, about 500 ms is the expected median of either.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-10}
if [[ ${1:-} != --no-build ]]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j "$(nproc)" --target proxyd >/dev/null
fi
command -v dnsmasq >/dev/null || { echo "dns-bench: dnsmasq missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "dns-bench: haproxy missing (scripts/install-deps.sh)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dns_port=$(free_port); app_port=$(free_port); proxyd_port=$(free_port); haproxy_port=$(free_port)

echo "127.0.0.2 web.test" >"$work/hosts"
dnsmasq --no-daemon --conf-file=/dev/null --user=root --port="$dns_port" --listen-address=127.0.0.1 \
  --bind-interfaces --no-resolv --no-hosts --addn-hosts="$work/hosts" --local=/test/ \
  --pid-file="$work/dnsmasq.pid" >"$work/dnsmasq.log" 2>&1 &
dnsmasq_pid=$!
pids+=("$dnsmasq_pid")

# Two tiny HTTP servers, on 127.0.0.2 and 127.0.0.3, the same port.
for who in a:127.0.0.2 b:127.0.0.3; do
  python3 - "${who%%:*}" "${who#*:}" "$app_port" <<'PY' &
import http.server, sys
name, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def do_GET(self):
        body = name.encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer((host, port), H).serve_forever()
PY
  pids+=($!)
done

cat >"$work/proxyd.ini" <<INI
[global]
log = stderr
pidfile = $work/proxyd.pid
[defaults]
mode = http
timeout_connect = 1s
[resolvers dns]
nameserver = 127.0.0.1:$dns_port
hold_valid = 1s
timeout_resolve = 1s
[frontend www]
bind = 127.0.0.1:$proxyd_port
backend = app
[backend app]
http_close = true
server = web web.test:$app_port resolvers=dns init_addr=none resolve_prefer=ipv4
INI
cat >"$work/haproxy.cfg" <<CFG
global
  pidfile $work/haproxy.pid
resolvers dns
  nameserver ns1 127.0.0.1:$dns_port
  hold valid 1s
  timeout resolve 1s
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  option http-server-close
frontend www
  bind 127.0.0.1:$haproxy_port
  default_backend app
backend app
  server web web.test:$app_port resolvers dns init-addr none resolve-prefer ipv4
CFG
"${HAPAIR_BIN:-build/bin}/proxyd" -f "$work/proxyd.ini" >"$work/proxyd.log" 2>&1 &
pids+=($!)
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)

python3 - "$REPS" "$work/hosts" "$dnsmasq_pid" "$proxyd_port" "$haproxy_port" <<'PY'
import os, signal, socket, statistics, sys, time
reps, hosts, dnsmasq, ports = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), {"proxyd": int(sys.argv[4]), "haproxy": int(sys.argv[5])}

def ask(port):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
        s.close()
        if not data.startswith(b"HTTP/1.") or data[9:12] != b"200": return None
        return data.split(b"\r\n\r\n", 1)[1].decode()
    except OSError:
        return None

def point(ip):
    with open(hosts, "w") as f: f.write(f"{ip} web.test\n")
    os.kill(dnsmasq, signal.SIGHUP)

def wait_all(who, limit=30):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if all(ask(p) == who for p in ports.values()): return True
        time.sleep(0.02)
    return False

if not wait_all("a"):
    sys.exit("dns-bench: the proxies never served 'a' (see the logs)")
results = {k: [] for k in ports}
failed = {k: 0 for k in ports}
for rep in range(reps):
    point("127.0.0.2")
    if not wait_all("a"): sys.exit("dns-bench: no return to 'a'")
    # Changes at evenly spread fractions of a second of the monotonic clock:
    # uniform over each proxy's own 1 s resolution cycle, whatever its phase
    # (a time taken from the switch back would follow one proxy's cycle).
    now = time.monotonic()
    t0 = int(now) + 1 + rep / reps
    time.sleep(t0 - now)
    t0 = time.monotonic()
    point("127.0.0.3")
    pending = set(ports)
    while pending and time.monotonic() - t0 < 30:
        for name in sorted(pending):
            who = ask(ports[name])
            if who is None: failed[name] += 1
            elif who == "b":
                results[name].append((time.monotonic() - t0) * 1000)
                pending.discard(name)
        time.sleep(0.005)
print("per change (ms):", [(round(a), round(b)) for a, b in zip(results["proxyd"], results["haproxy"])])
print(f"DNS change to first request on the new address ({reps} changes, hold valid 1s, timeout resolve 1s):")
for name, values in results.items():
    if not values:
        print(f"  {name:8s} never switched"); continue
    print(f"  {name:8s} median {statistics.median(values):7.0f} ms   range {min(values):.0f}-{max(values):.0f} ms   failed requests {failed[name]}")
PY
