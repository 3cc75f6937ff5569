#!/bin/bash
# bench/download_resize_vs_opencv.sh: `download`'s decode + resize + encode per core (issue 15,
# benchmark a): ours (bench/download_resize_bench.cpp, ImageResizer::process) against
# img2dataset's calls through python3-opencv (bench/download_resize_peer.py), same files, same
# run, both pinned to CPU 0. Prints the CPU's vector extensions and OpenCV's dispatch, both
# sides' samples/s and stage breakdowns, and the ratio.
#
#   bench/download_resize_vs_opencv.sh [BUILD_DIR] [IMAGE_DIR]
#       defaults: build-bench; a temporary folder of 96 images from make_download_images.py
#
# Needs a Release build of download_resize_bench and Debian's python3-opencv (/usr/bin/python3).
# Run on a quiet machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build-bench}"
python=/usr/bin/python3  # Debian's, which has cv2 (the pyenv python3 on PATH does not)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
images="${2:-$work/images}"
[ -d "$images" ] || "$python" "$here/make_download_images.py" resize "$images"

echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
  "flags: $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512[a-z]*|fma)$' | tr '\n' ' ')"
"$python" -c 'import cv2, re
info = cv2.getBuildInformation()
print("python3-opencv", cv2.__version__, "|", " | ".join(l.strip() for l in info.splitlines()
      if re.match(r"\s*(Baseline|Dispatched code|requested|JPEG:)", l)))'
echo "images: $(ls "$images" | wc -l), $(du -sk "$images" | cut -f1) KiB"

CLIPRET_BENCH_IMAGE_DIR="$images" taskset -c 0 "$build/bench/download_resize_bench" \
  --benchmark_min_time=2 --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_out="$work/ours.json" --benchmark_out_format=json 2>&1 | grep -v -E '^BM_[^ ]*_(mean|stddev|cv) '
ours=$("$python" -c 'import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"]
print(next(x["items_per_second"] for x in b if x["name"] == "BM_Process_median"))' "$work/ours.json")
dct=$("$python" -c 'import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"]
print(next(x["items_per_second"] for x in b if x["name"] == "BM_ProcessJpegDctDownscale_median"))' "$work/ours.json")

# The peer three ways: img2dataset's setting (1 OpenCV thread), cv2's default pinned to one CPU,
# cv2's default on all CPUs (information only: more than one core).
taskset -c 0 "$python" "$here/download_resize_peer.py" "$images" 10 1 | tee "$work/peer1.json"
taskset -c 0 "$python" "$here/download_resize_peer.py" "$images" 10 | tee "$work/peer_default.json"
"$python" "$here/download_resize_peer.py" "$images" 10 | tee "$work/peer_unpinned.json"

"$python" - "$ours" "$dct" "$work"/peer1.json "$work"/peer_default.json "$work"/peer_unpinned.json <<'EOF'
import json, sys
ours, dct = float(sys.argv[1]), float(sys.argv[2])
for label, path in zip(("1 thread (img2dataset)", "default threads, CPU 0", "default threads, all CPUs"),
                       sys.argv[3:]):
    p = json.load(open(path))["process"]
    print(f"peer {label}: {p['per_s_wall']:.1f} samples/s wall, {p['per_s_cpu']:.1f} per CPU-second;"
          f" ours {ours:.1f} (CPU time) -> ratio {ours / p['per_s_cpu']:.2f}x per CPU-second;"
          f" ours with jpeg_dct_downscale {dct:.1f} -> {dct / p['per_s_cpu']:.2f}x")
EOF
