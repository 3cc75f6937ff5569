#!/bin/bash
# bench/inference_e2e.sh: end-to-end `clip-retrieval inference` samples/s over webdataset shards
# against model-only throughput (BM_VitB32ImageAndText in bench/clip_model_bench.cpp: images +
# 12-id captions through ClipModel in forward passes of at most 32, as the CLI runs them, no I/O),
# in the same run.
#
#   bench/inference_e2e.sh [BUILD_DIR] [SHARDS] [PER_SHARD] [BATCHES] [WORKERS]
#   (defaults: build-bench, 4 shards of 500 samples, batch sizes "32 64", workers "1 2")
#
# Samples are 256x256 JPEGs (quality 95) + 10-word captions (12 ids), made by
# bench/make_bench_images.py. The model is a full-size ViT-B/32 with random weights written by
# make_random_clip into BUILD_DIR/random-vit-b32 (made once, ~600 MB). Needs a Release build of
# clip-retrieval, clip_model_bench and make_random_clip, and Debian's python3-pil. Extra
# environment (e.g. OPENBLAS_THREAD_TIMEOUT) is passed through. Run on a quiet machine.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../build-bench}" && pwd)"
shards="${2:-4}"
per_shard="${3:-500}"
batches="${4:-32 64}"
workers_list="${5:-1 2}"
python=/usr/bin/python3
model="$build/random-vit-b32"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

[ -f "$model/model.safetensors" ] || "$build/bench/make_random_clip" "$model"
mkdir "$work/shards"
"$python" "$here/make_bench_images.py" shards "$work/shards" "$shards" "$per_shard"
last=$(printf '%05d' $((shards - 1)))
echo "$((shards * per_shard)) samples in $shards shards ($(du -sk "$work/shards" | cut -f1) KiB)," \
  "CPU:$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) cores"

echo "== model only (clip_model_bench, images + texts, no I/O)"
filter="VitB32ImageAndText/batch:($(echo "$batches" | tr ' ' '|'))/"
"$build/bench/clip_model_bench" --benchmark_filter="$filter" --benchmark_min_time=10 \
  --benchmark_format=json >"$work/model.json"
declare -A model_rate
while read -r batch rate; do
  model_rate[$batch]=$rate
  echo "batch $batch: $rate samples/s"
done < <("$python" -c '
import json, re, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    print(re.search(r"batch:(\d+)", b["name"]).group(1), round(b["items_per_second"], 2))' "$work/model.json")

echo "== end to end (clip-retrieval inference --input_format webdataset, image + text)"
for batch in $batches; do
  for workers in $workers_list; do
    out="$work/out-$batch-$workers"
    start=$(date +%s.%N)
    "$build/src/cli/clip-retrieval" inference --input_format webdataset \
      --input_dataset "$work/shards/{00000..$last}.tar" --output_folder "$out" \
      --clip_model "$model" --batch_size "$batch" --num_prepro_workers "$workers" \
      --enable_text True --enable_image True 2>&1 | grep "inference done" >"$work/summary"
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    rate=$(sed -E 's/.* ([0-9.]+) samples\/s.*/\1/' "$work/summary")
    echo "batch $batch, workers $workers: $rate samples/s" \
      "($(echo "scale=1; 100 * $rate / ${model_rate[$batch]}" | bc) % of model-only;" \
      "process wall ${wall%???????} s incl. model load)"
    echo "   $(sed -E 's/.*samples\/s; //' "$work/summary")"
    rm -rf "$out"
  done
done
