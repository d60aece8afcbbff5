#!/usr/bin/env bash
# Takeover-time figures for vrrpd next to Keepalived (Debian's package), in
# network namespaces on this machine. Needs root.
#   scripts/vrrp-bench.sh            5 runs per scenario
#   BENCH_REPS=10 scripts/vrrp-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target vrrpd integration_tests
exec build/bin/integration_tests "takeover time benchmark: vrrpd vs keepalived"
