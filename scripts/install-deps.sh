#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the demo need.
# Idempotent and quiet: packages already present are not reinstalled, and
# apt-get only runs when something is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
  # libraries the daemons link
  libev-dev libssl-dev libnl-3-dev libnl-route-3-dev libinih-dev
  libcurl4-openssl-dev libfmt-dev libexpected-dev libsystemd-dev
  nlohmann-json3-dev libcap-ng-dev
  # regular expressions of the rule language (JIT) and userlist password
  # hashes (libxcrypt), in proxyd_core
  libpcre2-dev libcrypt-dev
  # asynchronous DNS for servers given by name (proxyd's control thread)
  libc-ares-dev
  # tests
  catch2 iproute2 iputils-ping curl procps psmisc git chromium
  # reference HTTP parser for the differential test (tests only, never linked into proxyd)
  libhttp-parser-dev
  # packaging tests: systemd-analyze, dpkg-shlibdeps, config syntax checks
  systemd dpkg-dev rsyslog logrotate
  # system test: a booted Debian root per node (systemd-nspawn -b)
  debootstrap systemd-container
  # comparison peers and capture for the integration tests (never linked)
  keepalived haproxy tcpdump
  # a real DNS server for the resolver tests (the binary only, no service),
  # Redis and PostgreSQL for the scripted and ready-made TCP checks
  # (started by the tests themselves; the packages' own services are not used)
  dnsmasq-base redis-server postgresql-15
  # CPU, memory and I/O pressure for the short-advert stress test (tests only)
  stress-ng
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or install them yourself) and retry" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Never start services from postinst scripts (keepalived, nginx ... are test
# peers only; the tests start them themselves inside namespaces).
policy_rc=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy_rc ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
  chmod +x "$policy_rc"
  created_policy=1
fi
trap '[[ $created_policy == 1 ]] && rm -f "$policy_rc"' EXIT
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "install-deps: apt-get failed" >&2
  exit 1
fi
rm -f "$log"
