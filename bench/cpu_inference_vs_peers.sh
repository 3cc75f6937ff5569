#!/bin/bash
# bench/cpu_inference_vs_peers.sh: CLIP ViT-B/32 inference on the CPU, ours (fp32, bf16, int8)
# side by side with PyTorch (python3-torch, eager fp32) and ONNX Runtime (onnxruntime-node, CPU
# provider) on the same random weights, 2 threads each, in one run (issue 18's benchmark).
#
#   bench/cpu_inference_vs_peers.sh [BUILD_BENCH] [BUILD] [WORK]
#       defaults: build-bench (clip_model_bench, make_random_clip), build (clip-retrieval),
#       a temporary folder (the 600 MB checkpoint, its ONNX export, 64 random images)
#
# Needs /usr/bin/python3 with torch and numpy, node, and `npm install --ignore-scripts` done in
# bench/ort. Prints the CPU's instruction sets, then one block per side: model-only images/s at
# batch 1 and 32, texts/s at batch 64, a 12-token query's latency, and the whole process's wall
# time and peak RSS embedding 64 images (batch 32). Run on a quiet machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench_build="${1:-$here/../build-bench}"
build="${2:-$here/../build}"
work="${3:-$(mktemp -d)}"
python=/usr/bin/python3  # Debian's, with torch
seconds="${SECONDS_PER_CASE:-10}"

echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; flags:" \
  "$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512[a-z_0-9]*)$' | tr '\n' ' ')"
echo "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"

[ -f "$work/rclip/model.safetensors" ] || "$bench_build/bench/make_random_clip" "$work/rclip" 1
[ -f "$work/onnx/vision.onnx" ] || "$python" "$here/clip_peer.py" export "$work/rclip" "$work/onnx"
[ -f "$work/p64.npy" ] || "$python" -c "import numpy as np, sys
np.save(sys.argv[1], np.random.default_rng(0).standard_normal((64, 3, 224, 224)).astype(np.float32))" "$work/p64.npy"

echo "== ours: model only (clip_model_bench, the same seed-1 weights in memory)"
"$bench_build/bench/clip_model_bench" --benchmark_min_time="$seconds" \
  --benchmark_filter='BM_VitB32Image/batch:(1|32)/kernel:1/|BM_VitB32ImageBf16/batch:(1|32)/|BM_VitB32ImageInt8/batch:(1|32)/kernel:0/|BM_VitB32Text/ids:12/truncate:1/batch:64/|BM_VitB32TextQuery/threads:2/kernel:(1|2|3)/' \
  2>&1 | grep -E '^BM|OPENBLAS|kernel'
echo "== ours: encode 64 images, whole process"
for precision in fp32 bf16 int8; do
  /usr/bin/time -f "ours $precision: wall %e s, peak RSS %M KiB" "$build/src/cli/clip-retrieval" encode \
    --clip_model "$work/rclip" --pixel_values "$work/p64.npy" --output "$work/ours_$precision.npy" \
    --precision "$precision" --batch_size 32 2>&1 | tail -1
done
echo "== PyTorch"
"$python" "$here/clip_peer.py" bench "$work/rclip" --threads 2 --seconds "$seconds"
"$python" "$here/clip_peer.py" encode "$work/rclip" "$work/p64.npy" --threads 2 --batch 32
echo "== ONNX Runtime"
node "$here/ort/clip_ort_peer.mjs" bench "$work/onnx" --threads 2 --seconds "$seconds"
node "$here/ort/clip_ort_peer.mjs" encode "$work/onnx" "$work/p64.npy" --threads 2 --batch 32
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
