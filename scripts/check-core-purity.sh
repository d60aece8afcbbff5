#!/usr/bin/env bash
# House rule: core/ code is pure. It never includes libev, OpenSSL, libnl,
# libcurl, systemd or socket headers; those belong in io/ adapters.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='#include *<(ev\.h|ev\+\+\.h|openssl/|netlink/|curl/|systemd/|sys/socket\.h|netinet/|arpa/inet\.h|linux/|net/if|sys/epoll\.h|unistd\.h)'
if hits=$(grep -rnE "$pattern" common/core proxyd/core vrrpd/core vrrpd/floatip/core); then
  echo "core/ files include I/O headers (move that code to io/):" >&2
  echo "$hits" >&2
  exit 1
fi
# ... nor io/ headers of the project.
if hits=$(grep -rnE '#include "(common|proxyd|vrrpd)/io/' common/core proxyd/core vrrpd/core vrrpd/floatip/core); then
  echo "core/ files include io/ headers:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "core/ is pure"
