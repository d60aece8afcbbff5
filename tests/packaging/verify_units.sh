#!/usr/bin/env bash
# systemd-analyze verify on proxyd.service and vrrpd.service as installed.
#
# Usage: verify_units.sh BUILD_DIR
#
# The build tree is installed with the prefix /usr into a scratch root, next
# to a copy of this host's own units (the targets ours name), and verify runs
# against that root: ExecStart= must name the binaries the install really put
# in /usr/sbin, not stubs. verify exits 0 on mere warnings ("Unknown key",
# "ignoring"), so any line it prints about our units fails the test.
# Exit 77 (skipped) without systemd-analyze (Debian package: systemd).
set -euo pipefail

build=${1:?usage: verify_units.sh BUILD_DIR}
units=(proxyd.service vrrpd.service)

if ! command -v systemd-analyze >/dev/null; then
    echo "SKIP: systemd-analyze not found (apt-get install systemd)"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
unit_dir=$root/usr/lib/systemd/system

if ! DESTDIR=$root cmake --install "$build" --prefix /usr >"$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"
    echo "FAIL: cmake --install $build"
    exit 1
fi
for unit in "${units[@]}"; do
    if [[ ! -f $unit_dir/$unit ]]; then
        echo "FAIL: the install did not put $unit in /usr/lib/systemd/system"
        exit 1
    fi
done

# The host's units, never overwriting ours (a host with hapair installed has
# its own proxyd.service).
for dir in /usr/lib/systemd/system /lib/systemd/system; do
    [[ -d $dir ]] && cp -R --no-clobber "$dir/." "$unit_dir/"
done

failed=0
# verify checks ExecStart= and ExecStartPre=, not ExecReload=: check every
# Exec*= command exists, in the installed tree or (/bin/kill, /bin/rm) on this host.
for unit in "${units[@]}"; do
    while IFS= read -r command; do
        command=${command#*=}
        while [[ $command == [-@:+!]* ]]; do command=${command:1}; done
        command=${command%% *}
        if [[ ! -x $root$command && ! -x $command ]]; then
            echo "FAIL: $unit: $command is neither installed nor on this host"
            failed=1
        elif [[ ! -x $root$command ]]; then
            # A system tool (/bin/rm of ExecStopPost=): verify looks for it
            # in the scratch root.
            mkdir -p "$(dirname "$root$command")"
            cp "$command" "$root$command"
        fi
    done < <(grep -E '^Exec[A-Za-z]+=' "$unit_dir/$unit")
done

status=0
output=$(cd "$tmp" && systemd-analyze verify --root="$root" "${units[@]}" 2>&1) || status=$?
if [[ -n $output ]]; then
    echo "systemd-analyze verify says:"
    printf '%s\n' "$output"
fi
if ((status != 0)); then
    echo "FAIL: systemd-analyze verify exited $status"
    failed=1
fi
if grep -qE 'proxyd|vrrpd' <<<"$output"; then
    echo "FAIL: systemd-analyze verify reported the lines above about our units"
    failed=1
fi

if ((failed == 0)); then
    echo "PASS: systemd-analyze verify ${units[*]}"
fi
exit "$failed"
