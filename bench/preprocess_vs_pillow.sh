#!/bin/bash
# bench/preprocess_vs_pillow.sh: decode + CLIP preprocessing of 256x256 JPEGs (img2dataset's
# output) on one core: ours (BM_DecodeAndPreprocessFolder in bench/preprocess_bench.cpp) against
# Pillow + torchvision doing the original's preprocess (bench/preprocess_pillow.py), same files,
# same run. Prints both rates and the ratio.
#
#   bench/preprocess_vs_pillow.sh [BUILD_DIR] [COUNT]     (defaults: build-bench, 200 images)
#
# Needs a Release build of preprocess_bench and Debian's python3-pil + python3-torchvision. Run
# on a quiet machine. Both sides are pinned to CPU 0 with taskset.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build-bench}"
count="${2:-200}"
python=/usr/bin/python3  # Debian's, which has PIL and torchvision
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/images"
"$python" "$here/make_bench_images.py" folder "$work/images" "$count"
echo "$count images, $(du -sk "$work/images" | cut -f1) KiB, CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

CLIPRET_BENCH_IMAGE_DIR="$work/images" taskset -c 0 "$build/bench/preprocess_bench" \
  --benchmark_filter=DecodeAndPreprocessFolder --benchmark_min_time=5 \
  --benchmark_format=json >"$work/ours.json"
ours=$("$python" -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"][0]; print(b["items_per_second"])' "$work/ours.json")

OMP_NUM_THREADS=1 taskset -c 0 "$python" "$here/preprocess_pillow.py" "$work/images" 10 >"$work/pillow.json"
pillow=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["images_per_s_wall"])' "$work/pillow.json")

echo "peer: $(cat "$work/pillow.json")"
"$python" -c 'import sys; o, p = map(float, sys.argv[1:]); print(f"ours {o:.0f} images/s per core, Pillow+torchvision {p:.0f} images/s per core, ratio {o / p:.2f}x")' "$ours" "$pillow"
