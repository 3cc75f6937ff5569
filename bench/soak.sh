#!/bin/sh
# bench/soak.sh: `clip-retrieval back` under sustained mixed load (issue 19's soak).
#
#   bench/soak.sh BUILD_DIR WORK_DIR [SECONDS=600] [CLIENTS=32] [SLOW=8] [IDLE=48]
#
# Builds (once) a random full-size ViT-B/32 (make_random_clip) and a 100k-vector index with 100k
# metadata rows (make_back_bench_index) under WORK_DIR, serves it with the metadata in SQLite
# (enable_hdf5), then runs bench/soak_client.py: CLIENTS keep-alive clients for SECONDS mixing
# text, embedding and image queries, /metadata and bad requests, with the server's RSS and open
# descriptors sampled every 5 s, beside SLOW slowloris clients and IDLE idle connections (the
# server must cut them within --http_header_timeout and --http_keep_alive_timeout). Prints a line
# per minute and a final verdict (JSON); exits 1 when a bad request got no 4xx, any 5xx, a
# connection error, a slow or idle connection held longer than its limit (plus 2 s), or the
# server died.
# BUILD_DIR needs bench/ targets (-DCLIPRET_BUILD_BENCH=ON) and the clip-retrieval binary.
set -eu
BUILD=${1:?build dir}
WORK=${2:?work dir}
SECONDS_TOTAL=${3:-600}
CLIENTS=${4:-32}
SLOW=${5:-8}
IDLE=${6:-48}
BIN="$BUILD/src/cli/clip-retrieval"
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"
[ -f "$WORK/vit_b32/model.safetensors" ] || "$BUILD/bench/make_random_clip" "$WORK/vit_b32"
[ -f "$WORK/index/image.index" ] || "$BUILD/bench/make_back_bench_index" "$WORK/index" 100000 512 IVF256,Flat 16
cat > "$WORK/indices_paths.json" <<JSON
{"soak": {"indice_folder": "$WORK/index", "enable_hdf5": true}}
JSON

echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
"$BIN" back --port=0 --indices_paths="$WORK/indices_paths.json" --clip_model="$WORK/vit_b32" \
  --enable_mclip_option=False --provide_aesthetic_embeddings=False \
  --columns_to_return='["url","caption"]' --clip_cache_path="$WORK/cache" ${BACK_ARGS:-} \
  2> "$WORK/back.log" &
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
echo "back on port $PORT (pid $BACK_PID), $CLIENTS clients for ${SECONDS_TOTAL}s"
/usr/bin/python3 "$HERE/soak_client.py" "http://127.0.0.1:$PORT" "$BACK_PID" "$SECONDS_TOTAL" \
  "$CLIENTS" 100000 512 "$SLOW" "$IDLE" | tee "$WORK/soak.out"
kill -0 $BACK_PID 2>/dev/null || { echo "back died"; tail -20 "$WORK/back.log"; exit 1; }
echo "server log: $(grep -c . "$WORK/back.log") lines, $(grep -ci 'error' "$WORK/back.log") with 'error'"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
tail -n 1 "$WORK/soak.out" | /usr/bin/python3 -c 'import json, sys
v = json.loads(sys.stdin.read())
ok = v["unexpected_5xx"] == 0 and v["bad_not_4xx"] == 0 and v["good_not_2xx"] == 0 and v["connection_errors"] == 0
# back defaults: 10 s for headers, 5 s of keep-alive idleness; 2 s of slack for the client.
ok = ok and v["slow_held_max_s"] <= 12 and v["idle_held_max_s"] <= 7
print("verdict:", "pass" if ok else "FAIL", "| RSS growth after minute 2:", v["rss_growth"],
      "| descriptors", v["fds_minute2"], "->", v["fds_end"],
      "| slow clients held at most", v["slow_held_max_s"], "s, idle", v["idle_held_max_s"], "s")
sys.exit(0 if ok else 1)'
