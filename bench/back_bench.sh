#!/bin/sh
# bench/back_bench.sh: latency and throughput of `clip-retrieval back` with wrk (Debian's wrk).
#
#   bench/back_bench.sh BUILD_DIR WORK_DIR [DURATION_SECONDS=20]
#
# Builds (once) a random full-size ViT-B/32 (make_random_clip) and a 1M-vector index with 1M
# metadata rows (make_back_bench_index) under WORK_DIR, starts `back` on a free port, then
#   - text queries with wrk at 1, 8 and 32 connections (p50/p99 latency, requests/s),
#   - /metadata for 1M ids in random and in sorted order (in memory, then from SQLite) timed with
#     curl, and the memory of a server with the SQLite store only.
# Run it on a quiet machine (see bench/RESULTS.md); it prints everything it measures.
set -eu
BUILD=${1:?build dir}
WORK=${2:?work dir}
DURATION=${3:-20}
BIN="$BUILD/src/cli/clip-retrieval"
mkdir -p "$WORK"
[ -f "$WORK/vit_b32/model.safetensors" ] || "$BUILD/bench/make_random_clip" "$WORK/vit_b32"
[ -f "$WORK/index/image.index" ] || "$BUILD/bench/make_back_bench_index" "$WORK/index"
cat > "$WORK/indices_paths.json" <<JSON
{"bench": {"indice_folder": "$WORK/index"},
 "bench_disk": {"indice_folder": "$WORK/index", "enable_hdf5": true}}
JSON

"$BIN" back --port=0 --indices_paths="$WORK/indices_paths.json" --clip_model="$WORK/vit_b32" \
  --enable_mclip_option=False --provide_aesthetic_embeddings=False --columns_to_return='["url","caption"]' \
  --clip_cache_path="$WORK/cache" ${BACK_ARGS:-} 2> "$WORK/back.log" &
BACK_PID=$!
trap 'kill $BACK_PID 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 600); do
  PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/back.log" | head -n 1)
  [ -n "$PORT" ] && break
  kill -0 $BACK_PID 2>/dev/null || { cat "$WORK/back.log"; exit 1; }
  sleep 1
done
[ -n "$PORT" ] || { echo "back did not start"; cat "$WORK/back.log"; exit 1; }
URL="http://127.0.0.1:$PORT"
echo "back on $URL, RSS after load: $(ps -o rss= -p $BACK_PID) kB"
LUA="$(dirname "$0")/back_text_query.lua"

# Warm up (page in the index, first-call allocations).
wrk -t1 -c1 -d3s -s "$LUA" "$URL" > /dev/null
for C in 1 8 32; do
  T=$C; [ $T -gt 4 ] && T=4
  echo "== text queries, $C connection(s), ${DURATION}s"
  wrk -t$T -c$C -d${DURATION}s --latency -s "$LUA" "$URL" | grep -E 'Requests/sec|50%|90%|99%|requests in|Non-2xx'
done

python3 - "$WORK/ids.json" <<'PY'
import json, random, sys
ids = list(range(1000000)); random.Random(1).shuffle(ids)
json.dump({"ids": ids, "indice_name": "bench"}, open(sys.argv[1], "w"))
json.dump({"ids": ids, "indice_name": "bench_disk"}, open(sys.argv[1] + ".disk", "w"))
json.dump({"ids": sorted(ids), "indice_name": "bench"}, open(sys.argv[1] + ".sorted", "w"))
json.dump({"ids": sorted(ids), "indice_name": "bench_disk"}, open(sys.argv[1] + ".sorted.disk", "w"))
PY
for F in ids.json ids.json.sorted ids.json.disk ids.json.sorted.disk; do
  for _ in 1 2 3; do
    curl -s -o "$WORK/metadata_out.json" -w "/metadata 1M ids ($F): %{time_total} s, %{size_download} bytes, HTTP %{http_code}\n" \
      -H 'Content-Type: application/json' --data-binary "@$WORK/$F" "$URL/metadata"
  done
done
echo "RSS at the end: $(ps -o rss= -p $BACK_PID) kB"
curl -s "$URL/metrics-summary"; echo
kill $BACK_PID; wait $BACK_PID 2>/dev/null || true

# Memory of the on-disk store alone: the same index served with enable_hdf5 (SQLite) only.
cat > "$WORK/disk_only.json" <<JSON
{"bench_disk": {"indice_folder": "$WORK/index", "enable_hdf5": true}}
JSON
"$BIN" back --port=0 --indices_paths="$WORK/disk_only.json" --clip_model="$WORK/vit_b32" \
  --enable_mclip_option=False --provide_aesthetic_embeddings=False --columns_to_return='["url","caption"]' \
  --clip_cache_path="$WORK/cache" 2> "$WORK/back_disk.log" &
BACK_PID=$!
PORT=""
for _ in $(seq 1 600); do
  PORT=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/back_disk.log" | head -n 1)
  [ -n "$PORT" ] && break
  sleep 1
done
echo "disk-only back: $(grep -E 'VmRSS|VmHWM' /proc/$BACK_PID/status | tr -s ' \t' ' ' | tr '\n' ' ') after load"
curl -s -o /dev/null -w "/metadata 1M ids (disk only): %{time_total} s\n" -H 'Content-Type: application/json' \
  --data-binary "@$WORK/ids.json.disk" "http://127.0.0.1:$PORT/metadata"
echo "disk-only back: $(grep -E 'VmRSS|VmHWM' /proc/$BACK_PID/status | tr -s ' \t' ' ' | tr '\n' ' ') after 1M ids"
