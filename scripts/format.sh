#!/usr/bin/env bash
# clang-format over every C++ file of the project.
#   scripts/format.sh          rewrite files in place
#   scripts/format.sh --check  list unformatted files, exit 1 if any
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.cpp' '*.h' | grep -v '^build')
if [[ ${1:-} == --check ]]; then
  bad=0
  for f in "${files[@]}"; do
    [[ -f $f ]] || continue
    if ! clang-format --style=file "$f" | cmp -s - "$f"; then
      echo "not formatted: $f" >&2
      bad=1
    fi
  done
  exit $bad
fi
clang-format --style=file -i "${files[@]}"
