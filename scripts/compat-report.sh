#!/usr/bin/env bash
# How much of the haproxy.cfg and keepalived.conf files operators publish
# proxyd and vrrpd take as they are: `proxyd -c --offline` on each file of
# DIR/haproxy and `vrrpd -c --offline` on each of DIR/keepalived (default
# ../shared/compat-corpus), then the totals and the directives ranked by the
# files they block. Files with templating placeholders where values belong
# ({{ }}, <pg-node1-ip>, %%VAR%%, an unset $VAR) are counted apart.
#
#   scripts/compat-report.sh [DIR]        (PROXYD=build/asan/bin/proxyd, VRRPD=build/asan/bin/vrrpd by default)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-../shared/compat-corpus}
PROXYD=${PROXYD:-build/asan/bin/proxyd}
VRRPD=${VRRPD:-build/asan/bin/vrrpd}
[[ -x $PROXYD ]] || { echo "compat-report: $PROXYD not built" >&2; exit 2; }
[[ -x $VRRPD ]] || { echo "compat-report: $VRRPD not built" >&2; exit 2; }
[[ -d $DIR/haproxy ]] || { echo "compat-report: no $DIR/haproxy" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

total=0 accepted=0 templated=0
for file in "$DIR"/haproxy/*; do
    [[ -f $file ]] || continue
    total=$((total + 1))
    name=$(basename "$file")
    if "$PROXYD" -c --offline --format haproxy -f "$file" >"$OUT/$name.out" 2>&1; then
        accepted=$((accepted + 1))
        printf '%-70s accepted\n' "$name"
        continue
    fi
    errors=$(grep -E ': error: ' "$OUT/$name.out" || true)
    # A template: a placeholder where a value belongs (the other errors
    # may follow from it, e.g. a frontend left without its bind).
    if grep -qE '\{\{|\}\}|<[a-z0-9_-]+>|%%|\$\{?[A-Z_]+|__[A-Z0-9_]+__|XXX' <<<"$errors"; then
        templated=$((templated + 1))
        printf '%-70s template placeholders\n' "$name"
        continue
    fi
    printf '%-70s refused:\n' "$name"
    sed -n 's/^[^:]*:[0-9]*: error: /    /p' "$OUT/$name.out" | sort -u | head -8
    # The directive of each error, once per file, for the ranking.
    sed -n "s/^[^:]*:[0-9]*: error: '\([^']*\)'.*/\1/p; s/^[^:]*:[0-9]*: error: \(unknown[^']*'[^']*'\).*/\1/p" \
        "$OUT/$name.out" | sed 's/ (in a proxy)//' | sort -u >>"$OUT/blockers"
done

echo
printf 'haproxy.cfg files: %d; accepted whole: %d (%d%%); templates: %d; accepted of the rest: %d of %d (%d%%)\n' \
    "$total" "$accepted" $((total ? accepted * 100 / total : 0)) "$templated" "$accepted" $((total - templated)) \
    $((total - templated ? accepted * 100 / (total - templated) : 0))
if [[ -s $OUT/blockers ]]; then
    echo "What blocks the others, by the number of files:"
    sort "$OUT/blockers" | uniq -c | sort -rn | head -30
fi

# keepalived.conf → vrrpd. Besides templates, two kinds of files are
# counted apart: those Keepalived 2.2.7 itself refuses (`keepalived -t`
# exits 2: a syntax error; run when keepalived is installed) and those
# whose only errors are IPVS (LVS) blocks, out of vrrpd's scope.
ktotal=0 kaccepted=0 ktemplated=0 kka=0 klvs=0
: >"$OUT/kblockers"
KEEPALIVED=$(command -v keepalived || true)
placeholder="got '(<[^']*|[A-Z][A-Z0-9_]*|__[A-Z0-9_]+__[^']*)'"
for file in "$DIR"/keepalived/*; do
    [[ -f $file ]] || continue
    ktotal=$((ktotal + 1))
    name=$(basename "$file")
    if "$VRRPD" -c --offline --format keepalived --config-id lb1 -f "$file" >"$OUT/$name.out" 2>&1; then
        kaccepted=$((kaccepted + 1))
        printf '%-70s accepted\n' "$name"
        continue
    fi
    errors=$(grep -E ': error: ' "$OUT/$name.out" || true)
    # A template: Jinja markers, or a placeholder where a value belongs.
    if grep -qE '\{\{|\{%' "$file" || grep -qE "$placeholder" <<<"$errors"; then
        ktemplated=$((ktemplated + 1))
        printf '%-70s template placeholders\n' "$name"
        continue
    fi
    if [[ -n $KEEPALIVED ]] && { timeout 20 "$KEEPALIVED" -t -l -n -f "$file" >/dev/null 2>&1; (($? == 2)); }; then
        kka=$((kka + 1))
        printf '%-70s refused by Keepalived too (keepalived -t)\n' "$name"
        continue
    fi
    if ! grep -qvE "'(virtual_server|virtual_server_group|lvs_[a-z_]*)' is not supported" <<<"$errors"; then
        klvs=$((klvs + 1))
        printf '%-70s IPVS (LVS) only\n' "$name"
        continue
    fi
    printf '%-70s refused:\n' "$name"
    sed -n 's/^[^:]*:[0-9]*: error: /    /p' "$OUT/$name.out" | sort -u | head -8
    sed -n "s/^[^:]*:[0-9]*: error: '\([^']*\)'.*/\1/p; s/^[^:]*:[0-9]*: error: \(e-mail alerts\).*/\1/p" \
        "$OUT/$name.out" | sort -u >>"$OUT/kblockers"
done
echo
rest=$((ktotal - ktemplated - kka - klvs))
printf 'keepalived.conf files: %d; accepted whole: %d; apart: %d templates, %d refused by Keepalived too, %d IPVS only\n' \
    "$ktotal" "$kaccepted" "$ktemplated" "$kka" "$klvs"
printf 'keepalived.conf accepted of the rest: %d of %d (%d%%)\n' "$kaccepted" "$rest" $((rest ? kaccepted * 100 / rest : 0))
if [[ -s $OUT/kblockers ]]; then
    echo "What blocks the others, by the number of files:"
    sort "$OUT/kblockers" | uniq -c | sort -rn | head -20
fi
