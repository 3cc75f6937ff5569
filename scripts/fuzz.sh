#!/usr/bin/env bash
# Fuzzes one parser with libFuzzer (Debian's clang, ASan + UBSan) for a bounded time. Not part
# of CI.
#   scripts/fuzz.sh TARGET [seconds=300] [jobs=1]
# TARGET: parquet_reader (the Parquet reader), torch_pickle (the restricted unpickler of
# pytorch_model.bin), wordpiece (the WordPiece tokenizer on arbitrary bytes), npy (.npy header
# and memory-mapped reader), safetensors (header JSON, dtypes, shapes, offsets), py_literal (the
# .npy header's Python dict and the CLI's list/bool literals), brace_expand (webdataset shard
# patterns), clip_tokenizer (CLIP's BPE tokenizer on arbitrary bytes), knn_request (back's
# /knn-service and /metadata request bodies), indices_paths (back's indices_paths.json), url_list
# (download's txt/csv/tsv/jsonl/json url lists, optionally gzip), image_decode (image/'s JPEG,
# PNG, WebP, BMP and GIF decoders and the CLIP preprocessing), image_resizer (download's decode ->
# resize -> encode through OpenCV and libjpeg), webdataset (tar shards, optionally compressed,
# through libarchive into samples), sentencepiece (XLM-RoBERTa's SentencePiece tokenizer on
# arbitrary bytes, with a model spm_train makes from the fixtures' dev texts).
# Builds build-fuzz/<TARGET>_fuzz and seeds build-fuzz/<TARGET>_corpus. parquet_reader is
# tests/fuzz/parquet_reader_fuzz.cpp with its own LLVMFuzzerTestOneInput (parquet_test replays
# tests/parquet/fuzz_regressions/); every other target is a function fuzz_one_<TARGET>
# (tests/fuzz/fuzz_targets.h, in tests/fuzz/<TARGET>_fuzz.cpp) behind tests/fuzz/libfuzzer_main.cpp,
# which fuzz_regressions_test (ctest) also runs on every file of tests/fuzz/regressions/<TARGET>/.
# Crashes are copied into that regression folder: minimise one with
# `build-fuzz/<TARGET>_fuzz -minimize_crash=1 -max_total_time=30 -exact_artifact_path=OUT FILE`,
# fix the parser, keep the minimised file there (and empty build-fuzz/<TARGET>_crashes/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
targets="parquet_reader, torch_pickle, wordpiece, npy, safetensors, py_literal, brace_expand,
  clip_tokenizer, knn_request, indices_paths, url_list, image_decode, image_resizer, webdataset,
  sentencepiece"
target="${1:?target: $targets}"
seconds="${2:-300}"
jobs="${3:-1}"
out="$root/build-fuzz"
corpus="$out/${target}_corpus"
crashes="$out/${target}_crashes"
mkdir -p "$corpus" "$crashes"

core=("$root/src/core/error.cpp" "$root/src/core/log.cpp" "$root/src/core/progress_bar.cpp"
      "$root/src/core/file_open.cpp")
defines=()
max_len=4096
# Targets written as fuzz_one_<TARGET> (tests/fuzz/fuzz_targets.h).
shared_harness=("$root/tests/fuzz/libfuzzer_main.cpp" "$root/tests/fuzz/fuzz_temp_file.cpp")
seed() { if [[ -z "$(ls -A "$corpus")" ]]; then /usr/bin/python3 "$root/tests/fuzz/seed_corpus.py" "$target" "$corpus"; fi; }
case "$target" in
  parquet_reader)
    sources=("$root"/src/parquet/*.cpp "${core[@]}" "$root/src/core/random_access_file.cpp"
             "$root/src/core/atomic_file.cpp" "$root/src/core/json_text.cpp"
             "$root/src/core/utf8_validate.cpp")
    libs=(-lsnappy -lzstd -llz4 -lz)
    regressions="$root/tests/parquet/fuzz_regressions"
    max_len=400000
    cp -n "$root"/../shared/fixtures/parquet/*.parquet "$corpus/" 2>/dev/null || true
    ;;
  torch_pickle)
    sources=("$root/src/model/pickle_machine.cpp" "$root/src/model/torch_pickle.cpp"
             "$root/src/model/safetensors_file.cpp" "$root/src/core/float16.cpp" "${core[@]}")
    libs=()
    regressions="$root/tests/fuzz/regressions/torch_pickle"
    max_len=65536
    if [[ -z "$(ls -A "$corpus")" ]]; then /usr/bin/python3 "$root/tests/fuzz/seed_torch_pickle.py" "$corpus"; fi
    ;;
  wordpiece)
    sources=("$root"/src/text/{wordpiece_tokenizer,hf_tokenizer_files,bert_normalizer,bert_pre_tokenizer,added_tokens,unicode_props,unicode_transforms,utf8}.cpp
             "${core[@]}")
    libs=(-lutf8proc)
    regressions="$root/tests/fuzz/regressions/wordpiece"
    /usr/bin/python3 - "$root/../shared/fixtures/mclip_tiny/mclip_dev.jsonl" "$corpus" <<'PY'
import json, os, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    with open(os.path.join(sys.argv[2], "dev%02d.txt" % i), "w", encoding="utf-8") as f:
        f.write(json.loads(line)["text"])
PY
    ;;
  npy)
    sources=("$root"/src/core/{npy_header,npy_reader,py_literal,float16}.cpp "${core[@]}")
    libs=()
    max_len=8192
    seed
    cp -n "$root"/../shared/fixtures/clip_tiny_hf/ref_{image_embeds,input_ids,text_embeds}.npy "$corpus/" 2>/dev/null || true
    ;;
  safetensors)
    sources=("$root/src/model/safetensors_file.cpp" "$root/src/core/float16.cpp" "${core[@]}")
    libs=()
    max_len=16384
    seed
    ;;
  py_literal)
    sources=("$root/src/core/py_literal.cpp" "$root/src/cli/option_table.cpp" "${core[@]}")
    libs=()
    max_len=2048
    seed
    ;;
  brace_expand)
    sources=("$root/src/core/brace_expand.cpp" "${core[@]}")
    libs=()
    max_len=1024
    seed
    ;;
  clip_tokenizer)
    sources=("$root"/src/text/{clip_tokenizer,bpe_merge,bpe_vocabulary,pretokenizer,text_cleaner,ftfy_fixer,html_entities,html_unescape,mojibake_badness,mojibake_repair,single_byte_codecs,unicode_props,unicode_transforms,utf8,word_cache,gunzip}.cpp
             "$root"/src/core/{stream,pipe_stream}.cpp "${core[@]}")
    libs=(-lutf8proc -lz)
    max_len=4096
    seed
    /usr/bin/python3 - "$root/../shared/fixtures/tokenizer/tokenizer_dev.jsonl" "$corpus" <<'PY'
import json, os, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    with open(os.path.join(sys.argv[2], "dev%02d.txt" % i), "w", encoding="utf-8") as f:
        f.write(json.loads(line)["text"])
PY
    ;;
  knn_request)
    sources=("$root/src/back/knn_request.cpp" "$root/src/search/base64.cpp" "${core[@]}")
    libs=()
    max_len=4096
    seed
    ;;
  indices_paths)
    sources=("$root"/src/back/{back_options,index_option_fields}.cpp "${core[@]}")
    libs=()
    max_len=4096
    seed
    ;;
  url_list)
    sources=("$root"/src/download/{text_parsers,json_parsers,input_bytes,row_parser}.cpp
             "$root"/src/core/{stream,pipe_stream,utf8_validate}.cpp "${core[@]}")
    libs=(-lz)
    max_len=8192
    seed
    ;;
  image_decode)
    sources=("$root"/src/image/*.cpp "${core[@]}")
    libs=(-ljpeg -lpng -lwebp -lwebpdemux -lgif -lz)
    max_len=65536
    seed
    ;;
  image_resizer)
    sources=("$root"/src/download/{image_resizer,area_resize,jpeg_fast_decode,image_header}.cpp
             "$root/src/core/ascii_text.cpp" "${core[@]}")
    defines+=(-isystem /usr/include/opencv4)
    libs=(-lopencv_imgcodecs -lopencv_imgproc -lopencv_core -ljpeg)
    max_len=65536
    seed
    ;;
  webdataset)
    sources=("$root"/src/data/{webdataset_reader,sample_key}.cpp
             "$root"/src/core/{stream,pipe_stream,ascii_text}.cpp "${core[@]}")
    libs=(-larchive)
    max_len=65536
    seed
    ;;
  sentencepiece)
    sources=("$root"/src/text/{sentencepiece_tokenizer,utf8}.cpp "${core[@]}")
    libs=(-lsentencepiece)
    max_len=4096
    seed
    dev=("$root"/../shared/fixtures/{mclip_tiny/mclip_dev,tokenizer/tokenizer_dev}.jsonl)
    /usr/bin/python3 - "$corpus" "${dev[@]}" <<'PY'
import json, os, sys
for n, path in enumerate(sys.argv[2:]):
    for i, line in enumerate(open(path, encoding="utf-8")):
        with open(os.path.join(sys.argv[1], "dev%d_%02d.txt" % (n, i)), "w", encoding="utf-8") as f:
            f.write(json.loads(line)["text"])
PY
    ;;
  *)
    echo "unknown target '$target' ($targets)" >&2
    exit 2
    ;;
esac

binary="$out/${target}_fuzz"
harness=("$root/tests/fuzz/${target}_fuzz.cpp")
harness_headers=()
case "$target" in
  parquet_reader) ;;
  *)
    harness+=("${shared_harness[@]}")
    harness_headers=("$root/tests/fuzz/fuzz_targets.h")
    defines+=(-DCLIPRET_FUZZ_ENTRY="fuzz_one_$target")
    regressions="$root/tests/fuzz/regressions/$target"
    ;;
esac
if [[ ! -x "$binary" || -n "$(find "${sources[@]}" "${harness[@]}" "${harness_headers[@]}" "$0" -newer "$binary" | head -1)" ]]; then
  echo "building $binary"
  clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$root/src" -I"$root/tests" \
    -DCLIPRET_SHARED_DIR="\"$root/../shared\"" "${defines[@]}" \
    "${sources[@]}" "${harness[@]}" "${libs[@]}" -o "$binary"
fi
mkdir -p "$regressions"
cp -n "$regressions"/* "$corpus/" 2>/dev/null || true

parallel=()
if (( jobs > 1 )); then parallel=(-jobs="$jobs" -workers="$jobs"); fi
status=0
# Run inside build-fuzz/ so that libFuzzer's fuzz-N.log files stay there.
(cd "$out" && "$binary" "$corpus" -max_total_time="$seconds" "${parallel[@]}" \
  -max_len="$max_len" -rss_limit_mb=2048 -malloc_limit_mb=1024 -artifact_prefix="$crashes/" \
  -print_final_stats=1) || status=$?

shopt -s nullglob
found=("$crashes"/*)
if (( ${#found[@]} > 0 )); then
  cp "${found[@]}" "$regressions/"
  echo "found ${#found[@]} crashing input(s); copied to $regressions/"
  exit 1
fi
echo "$target: no crashes in ${seconds}s (libFuzzer exit status $status)"
