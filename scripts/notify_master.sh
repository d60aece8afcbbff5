#!/bin/sh
# notify_master hook for vrrpd or Keepalived: moves the DigitalOcean reserved
# (floating) IP to this droplet with `floatip assign`.
#
# Keepalived runs notify_master scripts with no arguments, and a plain
# `notify` script with "INSTANCE|GROUP NAME STATE PRIORITY"; any arguments
# are accepted and ignored, so one script serves every style.
#
# Settings come from /etc/default/vrrpd-floatip (FLOATIP_DEFAULTS names
# another file), in shell syntax:
#   FLOATIP_IP          the reserved IPv4 address (required)
#   FLOATIP_TOKEN_FILE  API token file, mode 0600 (floatip's default: /etc/vrrpd/do-token)
#   FLOATIP_BUDGET      give up after this long, e.g. 60s (floatip's default: 60s)
#   FLOATIP_API         API base URL (default https://api.digitalocean.com)
#   FLOATIP_METADATA    metadata base URL (default http://169.254.169.254)
#   FLOATIP_BIN         the floatip binary (default: floatip on PATH, else /usr/sbin/floatip)
#
# Every attempt is logged by floatip itself (syslog, ident floatip); this
# script adds one line with the outcome. Exit status: floatip's (see
# `floatip -h`), or 2 when FLOATIP_IP is missing.

set -u

defaults=${FLOATIP_DEFAULTS:-/etc/default/vrrpd-floatip}

# log PRIORITY MESSAGE: syslog daemon facility, stderr when logger is missing.
log() {
    logger -t floatip -p "daemon.$1" -- "$2" 2>/dev/null || printf 'floatip: %s\n' "$2" >&2
}

if [ -r "$defaults" ]; then
    # shellcheck source=/dev/null
    . "$defaults"
fi

if [ -z "${FLOATIP_IP:-}" ]; then
    log err "notify_master: FLOATIP_IP is not set (in $defaults); not assigning the reserved IP"
    exit 2
fi

bin=${FLOATIP_BIN:-}
if [ -z "$bin" ]; then
    bin=$(command -v floatip 2>/dev/null) || bin=/usr/sbin/floatip
fi

# Rebuild the argument list from the settings; the caller's arguments were
# only keepalived's instance/state words.
set -- assign --ip "$FLOATIP_IP"
if [ -n "${FLOATIP_TOKEN_FILE:-}" ]; then set -- "$@" --token-file "$FLOATIP_TOKEN_FILE"; fi
if [ -n "${FLOATIP_BUDGET:-}" ]; then set -- "$@" --budget "$FLOATIP_BUDGET"; fi
if [ -n "${FLOATIP_API:-}" ]; then set -- "$@" --api "$FLOATIP_API"; fi
if [ -n "${FLOATIP_METADATA:-}" ]; then set -- "$@" --metadata "$FLOATIP_METADATA"; fi

output=$("$bin" "$@" 2>&1)
status=$?
if [ "$status" -eq 0 ]; then
    log notice "notify_master: ${output:-floatip assign $FLOATIP_IP succeeded}"
else
    log err "notify_master: floatip assign $FLOATIP_IP failed with exit status $status: ${output:-no output}"
fi
exit "$status"
