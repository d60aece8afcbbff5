#!/usr/bin/env bash
# README command 1: install dependencies, build (Release), and run the pair on
# its embedded example configuration.
#
# The HA lab (two load balancers, two web servers and a client in network
# namespaces, with a live failover) arrives with the end-to-end issue; until
# then this builds both daemons and validates the shipped configurations,
# showing what each daemon will do.
set -euo pipefail
cd "$(dirname "$0")/.."
bold() { if [[ -t 1 ]]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }

bold "==> installing dependencies"
./scripts/install-deps.sh
bold "==> building (Release) into build/"
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"

bold "==> proxyd -c -f etc/proxyd.ini"
build/bin/proxyd -c -f etc/proxyd.ini
bold "==> vrrpd -c -f etc/vrrpd.ini"
build/bin/vrrpd -c -f etc/vrrpd.ini

bold "==> what the pair will do"
cat <<'TXT'
  lb1, lb2   : proxyd binds the VIP 10.0.0.10:80 on both nodes (IP_FREEBIND) and
               balances over web1/web2; vrrpd elects lb1 (priority 200) as
               MASTER, adds the VIP there and announces it with gratuitous ARP.
  failure    : proxyd dies on lb1 -> vrrpd sees it at once (pidfd), sends a
               priority-0 advert, lb2 takes the VIP after Skew_Time (~61 ms).
TXT
bold "==> done: binaries are in build/bin/"
