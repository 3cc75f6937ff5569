#!/bin/sh
# bench/index_bench.sh: `clip-retrieval index` against plain faiss building autofaiss's key, on
# clustered float16 embeddings (index_bench gen), one row per ROWSxDIM@BUDGET case. For each:
# our build (selection, training by index/training_rules.cpp, adding, tuning to the default
# 10 ms, metrics) under GNU time; autofaiss's key for the case (ours, or the one our measured
# replacement stands in for: `index_bench autofaiss-key`) built by plain faiss (index_peer: every row
# in RAM, Debian faiss's own distance functions, index->train with faiss's defaults — 50 OPQ rounds, 65,536-row OPQ and PQ samples, a
# flat 10-iteration k-means — polysemous off, faiss's default threads); then both evaluated by
# index_bench eval (recall@10 of 1,000 queries against exact search, single-query latency), the
# peer at faiss's default search parameters and at our tuned ones. Run on a quiet machine;
# results go to bench/RESULTS.md by hand. The peer of an OPQ256_768 key trains for about an
# hour on 2 cores (most of it in OPQ); SKIP_PEER=1 leaves the peers out.
#   bench/index_bench.sh BUILD_DIR WORK_DIR [CASE...]     CASE: ROWS:DIM:BUDGET[:nopeer],
#                                                         e.g. 50000:64:4M
# Default cases: the four of issue 17 (50000:64:4M 200000:512:100M 1000000:512:1G 1000000:512:4G).
set -eu
build=$1
work=$2
shift 2
[ $# -gt 0 ] || set -- 50000:64:4M 200000:512:100M 1000000:512:1G 1000000:512:4G
cli=$build/src/cli/clip-retrieval
tool=$build/bench/index_bench
peer_tool=$build/bench/index_peer
mkdir -p "$work"
echo "== $(date -u) $(grep -m1 'model name' /proc/cpuinfo) $(nproc) cores; load $(cat /proc/loadavg)"
echo "== instruction sets: $(grep -o -w 'avx2\|fma\|avx512[a-z_0-9]*' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "== OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}"
for case in "$@"; do
  rows=${case%%:*}
  rest=${case#*:}
  dim=${rest%%:*}
  budget=${rest#*:}
  peer=1
  case $budget in *:nopeer) budget=${budget%:nopeer}; peer=0 ;; esac
  data=$work/${rows}x$dim
  if [ ! -d "$data/emb/img_emb" ]; then
    files=$(( (rows + 99999) / 100000 ))
    /usr/bin/time -f "gen: %e s, %M KB" "$tool" gen "$data/emb/img_emb" "$rows" "$dim" "$files"
  fi
  out=$data/index_$budget
  rm -rf "$out"
  echo "== $(date -u +%H:%M:%S) clip-retrieval index, ${rows} x ${dim}, max_index_memory_usage=$budget"
  /usr/bin/time -f "clip-retrieval index: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
    "$cli" index "$data/emb" "$out" --max_index_memory_usage "$budget" \
    --current_memory_available 16G --copy_metadata False
  cat "$out/image.json"
  key=$(sed -n 's/.*"index_key": "\(.*\)",/\1/p' "$out/image.json")
  param=$(sed -n 's/.*"index_param": "\(.*\)",/\1/p' "$out/image.json")
  train=$(sed -n 's/.*"train_vectors": \([0-9]*\),/\1/p' "$out/image.json")
  evals="$out/image.index"
  peer_key=$("$tool" autofaiss-key "$rows" "$dim" "$budget")
  [ "$peer_key" = "$key" ] || echo "== ours: $key; autofaiss's key (the peer's): $peer_key"
  if [ "${SKIP_PEER:-0}" != 1 ] && [ "$peer" = 1 ]; then
    echo "== $(date -u +%H:%M:%S) plain faiss peer: $peer_key trained on the first $train rows"
    /usr/bin/time -f "plain faiss: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
      "$peer_tool" "$data/emb/img_emb" "$peer_key" "$train" "$data/peer_$budget.index"
    evals="$evals $data/peer_$budget.index@defaults"
    [ -z "$param" ] || evals="$evals $data/peer_$budget.index@$param"
  fi
  # shellcheck disable=SC2086
  "$tool" eval "$data/emb/img_emb" $evals
done
echo "== done $(date -u)"
