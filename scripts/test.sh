#!/usr/bin/env bash
# README command 2: install dependencies, build with ASan+UBSan, run the whole
# CTest suite (unit, integration, fuzz-corpus replay, style checks).
# Integration tests need root (network namespaces); as non-root they skip.
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc)
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --preset asan -j "$jobs" "$@"
