#!/bin/sh
# bench/index_bench.sh: 1M x 512 float16 clustered embeddings indexed under a 1G and a 4G
# budget by `clip-retrieval index`, and the same key by plain faiss (no tuning), measured in
# the same run: build time and peak RSS (GNU time), recall@10 and single-query latency
# (index_bench eval). Run on a quiet machine; results go to bench/RESULTS.md by hand. On the
# 2-core build machine expect hours: the 1G key (OPQ256_768,IVF16384_HNSW32,PQ256x8) trains
# 16,384 centroids on 1M rows of 768 dimensions, and HNSW32 (4G) links 1M vectors — twice each,
# once for the peer.
#   bench/index_bench.sh BUILD_DIR WORK_DIR [ROWS] [DIM]
set -eu
build=$1
work=$2
rows=${3:-1000000}
dim=${4:-512}
cli=$build/src/cli/clip-retrieval
tool=$build/bench/index_bench
mkdir -p "$work"
echo "== $(date -u) $(grep -m1 'model name' /proc/cpuinfo) $(nproc) cores; load $(cat /proc/loadavg)"
if [ ! -d "$work/emb/img_emb" ]; then
  /usr/bin/time -f "gen: %e s, %M KB" "$tool" gen "$work/emb/img_emb" "$rows" "$dim" 10
fi
for budget in 1G 4G; do
  # The spec's default RAM budget: training OPQ256_768,IVF16384 on 1M rows needs about 4-6 GB.
  available=16G
  out=$work/index_$budget
  rm -rf "$out"
  echo "== clip-retrieval index, max_index_memory_usage=$budget current_memory_available=$available"
  /usr/bin/time -f "clip-retrieval index: %e s wall, %U s user, %M KB peak RSS" \
    "$cli" index "$work/emb" "$out" --max_index_memory_usage "$budget" \
    --current_memory_available "$available" --copy_metadata False
  cat "$out/image.json"
  key=$(sed -n 's/.*"index_key": "\(.*\)",/\1/p' "$out/image.json")
  train=$(sed -n 's/.*"train_vectors": \([0-9]*\),/\1/p' "$out/image.json")
  echo "== plain faiss peer: $key trained on the first $train rows"
  /usr/bin/time -f "plain faiss: %e s wall, %U s user, %M KB peak RSS" \
    "$tool" peer "$work/emb/img_emb" "$key" "$train" "$work/peer_$budget.index"
  "$tool" eval "$work/emb/img_emb" "$out/image.index" "$work/peer_$budget.index"
done
echo "== done $(date -u)"
