#!/usr/bin/env bash
# How much of the haproxy.cfg and keepalived.conf files operators publish
# proxyd and vrrpd take as they are: `proxyd -c --offline` on each file of
# DIR/haproxy and `vrrpd -c --offline` on each of DIR/keepalived (default
# ../shared/compat-corpus), then the totals and the directives ranked by the
# files they block. Files whose errors are only templating placeholders
# ({{ }}, <pg-node1-ip>, %%VAR%%) are counted apart.
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
    if ! grep -qvE '\{\{|\}\}|<[a-z0-9_-]+>|%%|\$\{?[A-Z_]+|__[A-Z0-9_]+__|XXX' <<<"$errors"; then
        templated=$((templated + 1))
        printf '%-70s template placeholders only\n' "$name"
        continue
    fi
    printf '%-70s refused:\n' "$name"
    sed -n 's/^[^:]*:[0-9]*: error: /    /p' "$OUT/$name.out" | sort -u | head -8
    # The directive of each error, once per file, for the ranking.
    sed -n "s/^[^:]*:[0-9]*: error: '\([^']*\)'.*/\1/p; s/^[^:]*:[0-9]*: error: \(unknown[^']*'[^']*'\).*/\1/p" \
        "$OUT/$name.out" | sed 's/ (in a proxy)//' | sort -u >>"$OUT/blockers"
done

echo
printf 'haproxy.cfg files: %d; accepted whole: %d (%d%%); only template placeholders: %d\n' \
    "$total" "$accepted" $((total ? accepted * 100 / total : 0)) "$templated"
if [[ -s $OUT/blockers ]]; then
    echo "What blocks the others, by the number of files:"
    sort "$OUT/blockers" | uniq -c | sort -rn | head -30
fi

# keepalived.conf → vrrpd
ktotal=0 kaccepted=0 ktemplated=0
: >"$OUT/kblockers"
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
    if [[ -n $errors ]] && ! grep -qvE '\{\{|\}\}|<[a-z0-9_-]+>|%%|\$\{?[A-Z_]+|__[A-Z0-9_]+__|XXX' <<<"$errors"; then
        ktemplated=$((ktemplated + 1))
        printf '%-70s template placeholders only\n' "$name"
        continue
    fi
    printf '%-70s refused:\n' "$name"
    sed -n 's/^[^:]*:[0-9]*: error: /    /p' "$OUT/$name.out" | sort -u | head -8
    sed -n "s/^[^:]*:[0-9]*: error: '\([^']*\)'.*/\1/p; s/^[^:]*:[0-9]*: error: \(instance '[^']*': [a-zA-Z_ ]*\).*/\1/p" \
        "$OUT/$name.out" | sort -u >>"$OUT/kblockers"
done
echo
printf 'keepalived.conf files: %d; accepted whole: %d (%d%%); only template placeholders: %d\n' \
    "$ktotal" "$kaccepted" $((ktotal ? kaccepted * 100 / ktotal : 0)) "$ktemplated"
if [[ -s $OUT/kblockers ]]; then
    echo "What blocks the others, by the number of files:"
    sort "$OUT/kblockers" | uniq -c | sort -rn | head -20
fi
