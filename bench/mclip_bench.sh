#!/usr/bin/env bash
# Multilingual text encoders, ours vs PyTorch on the same random full-size weights, one run:
#   bench/mclip_bench.sh BUILD_DIR WORK_DIR
# BUILD_DIR: a Release build with -DCLIPRET_BUILD_BENCH=ON (bench/mclip_bench). WORK_DIR receives
# the generated models (~3 GB; kept, so a rerun skips generation). Needs /usr/bin/python3 with
# python3-torch. Both sides use 2 threads (MCLIP_BENCH_THREADS for the peer; ours every core).
set -euo pipefail
build=${1:?build folder}
work=${2:?work folder}
mkdir -p "$work"
export CLIPRET_MCLIP_BENCH_DIR=$work
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$work/ids.json" ]; then
  echo "== generating random full-size models in $work"
  /usr/bin/python3 "$here/mclip_peer.py" gen "$work"
fi
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "ISA: $(grep -o 'avx512[a-z_0-9]*\|avx2\|fma' /proc/cpuinfo | sort -u | xargs)"
echo "== OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== ours: $build/bench/mclip_bench"
"$build/bench/mclip_bench" --benchmark_counters_tabular=true
echo "== peer: PyTorch (python3-torch)"
MCLIP_BENCH_THREADS=${MCLIP_BENCH_THREADS:-2} /usr/bin/python3 "$here/mclip_peer.py" peer "$work"
echo "== load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
