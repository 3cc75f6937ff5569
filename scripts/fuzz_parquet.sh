#!/usr/bin/env bash
# Fuzzes the Parquet reader with libFuzzer (clang from Debian) for a bounded time. Not part of CI.
#   scripts/fuzz_parquet.sh [seconds=300] [jobs=1]
# Builds build-fuzz/parquet_reader_fuzz with ASan+UBSan, seeds the corpus with the Parquet
# fixtures, and copies any crash into tests/parquet/fuzz_regressions/ (parquet_test replays them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-300}"
jobs="${2:-1}"
out="$root/build-fuzz"
mkdir -p "$out/corpus" "$out/crashes"

sources=("$root"/src/parquet/*.cpp "$root/src/core/error.cpp" "$root/src/core/log.cpp"
         "$root/src/core/random_access_file.cpp" "$root/src/core/progress_bar.cpp")
if [[ ! -x "$out/parquet_reader_fuzz" || -n "$(find "${sources[@]}" "$root/tests/fuzz" -newer "$out/parquet_reader_fuzz" | head -1)" ]]; then
  echo "building $out/parquet_reader_fuzz"
  clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$root/src" \
    "${sources[@]}" "$root/tests/fuzz/parquet_reader_fuzz.cpp" \
    -lsnappy -lzstd -llz4 -lz -o "$out/parquet_reader_fuzz"
fi

cp -n "$root"/../shared/fixtures/parquet/*.parquet "$out/corpus/" 2>/dev/null || true
cp -n "$root"/tests/parquet/fuzz_regressions/* "$out/corpus/" 2>/dev/null || true

parallel=()
if (( jobs > 1 )); then parallel=(-jobs="$jobs" -workers="$jobs"); fi
status=0
# Run inside build-fuzz/ so that libFuzzer's fuzz-N.log files stay there.
(cd "$out" && ./parquet_reader_fuzz corpus -max_total_time="$seconds" "${parallel[@]}" \
  -max_len=400000 -rss_limit_mb=2048 -malloc_limit_mb=1024 -artifact_prefix=crashes/ \
  -print_final_stats=1) || status=$?

shopt -s nullglob
crashes=("$out"/crashes/*)
if (( ${#crashes[@]} > 0 )); then
  cp "${crashes[@]}" "$root/tests/parquet/fuzz_regressions/"
  echo "found ${#crashes[@]} crashing input(s); copied to tests/parquet/fuzz_regressions/"
  exit 1
fi
echo "no crashes in ${seconds}s (libFuzzer exit status $status)"
