#!/usr/bin/env bash
# The Parquet reader's fuzzing, kept under its old name: scripts/fuzz.sh parquet_reader.
#   scripts/fuzz_parquet.sh [seconds=300] [jobs=1]
exec "$(dirname "$0")/fuzz.sh" parquet_reader "${1:-300}" "${2:-1}"
