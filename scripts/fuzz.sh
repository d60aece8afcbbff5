#!/usr/bin/env bash
# Builds the libFuzzer targets (clang) and fuzzes one of them for a while.
#   scripts/fuzz.sh TARGET [SECONDS]     e.g. scripts/fuzz.sh config 300
# New inputs go to build/fuzz/findings/TARGET; copy the interesting ones into
# tests/fuzz/corpus/TARGET (every crash fixed gets its input committed there).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-60}
./scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target "${target}_fuzz"
mkdir -p "build/fuzz/findings/$target"
exec "build/fuzz/bin/${target}_fuzz" -max_total_time="$seconds" -timeout=10 \
  "build/fuzz/findings/$target" "tests/fuzz/corpus/$target"
