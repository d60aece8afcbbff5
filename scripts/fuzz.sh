#!/usr/bin/env bash
# Builds the libFuzzer targets (clang) and fuzzes them for a while.
#   scripts/fuzz.sh TARGET [SECONDS]     one target, e.g. scripts/fuzz.sh config 300
#   scripts/fuzz.sh --all [SECONDS]      every target in turn (default 30 s each;
#                                        what .ci/run does, so the fuzzers never rot)
# Only the fuzz binaries are built (with the libraries they link), not the
# daemons or the tests. New inputs go to build/fuzz/findings/TARGET; a crash
# or leak leaves its input in build/fuzz/artifacts/ and fails the run. Copy
# the interesting ones into tests/fuzz/corpus/TARGET (every crash fixed gets
# its input committed there).
set -euo pipefail
cd "$(dirname "$0")/.."

# Every target of tests/fuzz/CMakeLists.txt (hapair_fuzz_target NAME ...).
all_targets() { sed -n 's/^hapair_fuzz_target(\([a-z_]*\) .*/\1/p' tests/fuzz/CMakeLists.txt; }

# fuzz TARGET SECONDS: run one target; prints libFuzzer's last status line.
fuzz() {
  local target=$1 seconds=$2 log
  mkdir -p "build/fuzz/findings/$target" build/fuzz/artifacts
  log=build/fuzz/findings/$target.log
  if ! "build/fuzz/bin/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="build/fuzz/artifacts/$target-" -print_final_stats=1 \
    "build/fuzz/findings/$target" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $target FAILED (input in build/fuzz/artifacts/, log $log)"
    return 1
  fi
  echo "fuzz: $target ok: $(grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|Done)' "$log" |
    tr '\n' ' ')"
}

if [[ ${1:-} == --all ]]; then
  targets=($(all_targets))
  seconds=${2:-30}
else
  targets=("${1:?usage: scripts/fuzz.sh TARGET [SECONDS] | --all [SECONDS]}")
  seconds=${2:-60}
fi
./scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]/%/_fuzz}"
failed=0
for target in "${targets[@]}"; do
  fuzz "$target" "$seconds" || failed=1
done
exit "$failed"
