// inference/encode_runner.h: `clip-retrieval encode`: embeddings, token ids or preprocessed pixels
// of a few inputs given on the command line, for scripting and for comparing with other
// implementations (the fixtures' ref_*.npy are such a comparison).
//
// One call encodes one modality: a .npy holds one matrix, so texts and images are never mixed
// (run encode once per modality). Rows come out in the order the inputs were given. A single bad
// input (missing or undecodable image, out-of-range id) ends the call with an Error naming it,
// unlike `inference`, which skips and counts bad samples: here every row was asked for.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "hub/hub_options.h"
#include "inference/encoded_rows.h"
#include "model/clip_model.h"

namespace clipret::hub {
struct LoadedClip;
struct LoadedMclip;
}  // namespace clipret::hub

namespace clipret::inference {

struct EncodeOptions {
  // Model name as for `inference` (ViT-B/32, hf_clip:ORG/NAME, open_clip:ARCH/TAG, a folder).
  std::string clip_model = "ViT-B/32";
  // A multilingual text model (sentence-transformers or M-CLIP: a hub repository or a folder);
  // when set, --text is embedded with it instead of CLIP (no CLIP model is loaded).
  std::optional<std::string> mclip_model;
  // Inputs: exactly one of the four kinds may be given.
  std::vector<std::string> texts;   // captions, tokenized with truncation to the context length
  std::vector<std::string> images;  // image file paths
  // A .npy of n×context_length token ids (int64 or int32), already framed as the tokenizer does.
  std::optional<std::string> input_ids;
  // A .npy of n×3×S×S pixels (float32; float16/float64 are converted), already preprocessed.
  std::optional<std::string> pixel_values;
  // "-": one JSON array per input on the output stream; otherwise the path of a .npy to write.
  std::string output = "-";
  // L2-normalise embeddings (what the index stores); False gives the raw projected features.
  bool normalize = true;
  // Output the n×context_length int64 token ids of --text instead of embeddings (no model call).
  bool tokens_only = false;
  // Output the n×3×S×S float32 preprocessed pixels of --image instead of embeddings.
  bool pixels_only = false;
  // Inputs per model call (and images decoded at a time). Memory grows linearly with it.
  int64_t batch_size = 32;
  // Model download cache; None: ~/.cache/clip_retrieval. Read by the CLI into HubOptions.
  std::string precision = "fp32";  // the blocks' Linear weights: fp32 or bf16
  std::optional<std::string> clip_cache_path;
};

struct EncodeEnvironment {
  hub::HubOptions hub;            // where the model comes from
  model::ClipModelOptions model;  // threads; max_batch is taken from EncodeOptions::batch_size
};

// Checks the options before anything is loaded: exactly one input kind, a compatible output
// kind, batch_size > 0, input files present. Throws Error(kInvalidInput) naming the options at
// fault, Error(kNotFound) for a missing input file.
void check_encode_options(const EncodeOptions& options);

// Encodes the inputs of `options` with an already loaded model (checks the options first).
// Throws Error(kInvalidInput) for a wrong-shaped or out-of-range --input_ids/--pixel_values,
// Error(kCorrupt) for an image that does not decode, Error(kNotFound) for a missing file.
EncodedRows encode_inputs(const EncodeOptions& options, hub::LoadedClip& clip);

// Encodes --text with a loaded multilingual model (--mclip_model): embeddings, or with
// --tokens_only the int64 ids padded to the longest with the tokenizer's pad id.
EncodedRows encode_mclip_texts(const EncodeOptions& options, hub::LoadedMclip& mclip);

// The whole command: checks, loads the model, encodes, then writes the .npy or the JSON lines
// to `out` (nothing is written when any input fails). `out` is the only place output goes.
void run_encode(const EncodeOptions& options, const EncodeEnvironment& environment,
                std::ostream& out);

}  // namespace clipret::inference
