// tests/fuzz/fuzz_targets.h: the bodies of the libFuzzer targets of scripts/fuzz.sh, as plain
// functions shared by two programs: libfuzzer_main.cpp (clang, ASan + UBSan, one target per
// binary, chosen by CLIPRET_FUZZ_ENTRY) and fuzz_regressions_test (the normal ctest suite, which
// feeds every file of tests/fuzz/regressions/<target>/ to the same function).
//
// Contract of every fuzz_one_*: any bytes must end in a return or in a clipret::Error of a kind
// other than kInternal (an expected rejection, caught inside). Anything else escapes: another
// exception (including FuzzFinding, thrown when an output breaks its documented promise), a
// crash, or a sanitizer report; libFuzzer records each as a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "core/error.h"

namespace clipret::fuzz {

// An output that breaks a promise of the parser's header (a framing, a bound, a size).
class FuzzFinding : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

inline void fuzz_check(bool ok, const char* what) {
  if (!ok) throw FuzzFinding(what);
}

// Runs `parse`; a clipret::Error other than kInternal is an expected rejection, printed to
// stderr when CLIPRET_FUZZ_VERBOSE is set (to see why a seed or regression is refused). Returns
// 0, as LLVMFuzzerTestOneInput does.
template <class F>
int accept_or_reject(F&& parse) {
  try {
    parse();
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInternal) throw;
    static const bool verbose = std::getenv("CLIPRET_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "rejected (%s): %s\n", error_kind_name(e.kind()), e.what());
  }
  return 0;
}

// A file under /dev/shm (else the temp folder) unique to this process and `tag`, for parsers that
// take a path; overwritten by each call.
std::string fuzz_temp_file(const char* tag, const uint8_t* data, size_t size);

// core/npy_header.h on the bytes, then core/npy_reader.h on them as a file.
int fuzz_one_npy(const uint8_t* data, size_t size);
// model/safetensors_file.h on the bytes as a file: header JSON, dtypes, shapes, offsets.
int fuzz_one_safetensors(const uint8_t* data, size_t size);
// core/py_literal.h (the .npy header dict) and the CLI's literals (cli/option_table.h).
int fuzz_one_py_literal(const uint8_t* data, size_t size);
// core/brace_expand.h: webdataset shard patterns (first byte: options).
int fuzz_one_brace_expand(const uint8_t* data, size_t size);
// text/clip_tokenizer.h on arbitrary bytes, with the real CLIP vocabulary.
int fuzz_one_clip_tokenizer(const uint8_t* data, size_t size);
// back/knn_request.h: the /knn-service and /metadata request bodies.
int fuzz_one_knn_request(const uint8_t* data, size_t size);
// back/back_options.h: indices_paths.json.
int fuzz_one_indices_paths(const uint8_t* data, size_t size);
// model/torch_pickle.h: the restricted unpickler of pytorch_model.bin's data.pkl.
int fuzz_one_torch_pickle(const uint8_t* data, size_t size);
// text/wordpiece_tokenizer.h on arbitrary bytes, with the mclip_tiny fixture's vocabulary.
int fuzz_one_wordpiece(const uint8_t* data, size_t size);
// download's text url lists: txt, csv, tsv, jsonl, json, optionally gzip (first byte: format).
int fuzz_one_url_list(const uint8_t* data, size_t size);
// image/ decoders (JPEG, PNG, WebP, BMP, GIF) and the CLIP preprocessing on arbitrary bytes.
int fuzz_one_image_decode(const uint8_t* data, size_t size);
// download's decode -> filters -> resize -> encode (download/image_resizer.h) on arbitrary bytes.
int fuzz_one_image_resizer(const uint8_t* data, size_t size);
// data/webdataset_reader.h on the bytes as a shard (tar, optionally compressed): every sample.
int fuzz_one_webdataset(const uint8_t* data, size_t size);
// text/sentencepiece_tokenizer.h on arbitrary bytes, with a model trained from the dev texts.
int fuzz_one_sentencepiece(const uint8_t* data, size_t size);

}  // namespace clipret::fuzz
