#!/usr/bin/env bash
# Sets up (scripts/setup.sh: packages, npm installs, the web UI build), builds and runs every test
# through ctest (C++ tests, the front's Vitest unit tests and its browser tests), then runs the unit tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer, and the search and back tests under
# ThreadSanitizer. Warnings are errors here.
#   CLIPRET_SKIP_SANITIZE=1  skip the sanitizer passes (faster local iterations)
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$(pwd)"
# The sanitizer builds carry debug info, for which ccache also hashes the build folder unless told
# not to: without this, a checkout in another folder (CI's fresh clone) recompiles them all.
export CCACHE_NOHASHDIR=true
jobs=${CLIPRET_JOBS:-$(nproc)}

CLIPRET_CMAKE_ARGS="-DCLIPRET_WERROR=ON ${CLIPRET_CMAKE_ARGS:-}" scripts/setup.sh

echo "== test: ctest (all tests)"
ctest --test-dir build --output-on-failure --no-tests=error -j "$jobs"

if [ "${CLIPRET_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== test: unit tests under AddressSanitizer + UndefinedBehaviorSanitizer"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLIPRET_WERROR=ON \
    -DCLIPRET_SANITIZE=address,undefined >/dev/null
  cmake --build build-asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure --no-tests=error -j "$jobs" -L unit

  # The concurrent parts: search (two models queried from many threads), back (the HTTP
  # service) and download (fetch loops, shared DNS cache, resize workers). Only their test
  # binaries are built here; ctest's placeholders for the others carry no label, so -L runs
  # just these. OpenMP runs on one thread: faiss (a static library)
  # and libgomp are not instrumented, so TSan cannot see the synchronisation of faiss's parallel
  # loops and reports their shared buffers; requests are the concurrency under test.
  echo "== test: search, back and download tests under ThreadSanitizer"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLIPRET_WERROR=ON \
    -DCLIPRET_SANITIZE=thread >/dev/null
  cmake --build build-tsan -j "$jobs" --target search_test back_test back_server_test \
    fetcher_test download_runner_test
  OMP_NUM_THREADS=1 \
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/tests/tsan.supp" \
    ctest --test-dir build-tsan --output-on-failure --no-tests=error -j "$jobs" -L "unit|integration"
fi
echo "== test: all passed"
