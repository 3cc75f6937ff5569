// `clip-retrieval encode`: the option table over EncodeOptions, then inference::run_encode.
// This command owns stdout: JSON lines go there, everything else (logs, progress) to stderr.
#include <algorithm>
#include <iostream>

#include "cli/command.h"
#include "cli/option_table.h"
#include "core/compute_threads.h"
#include "hub/hub_options.h"
#include "inference/encode_runner.h"
#include "model/clip_config.h"

namespace clipret::cli {
namespace {

void add_encode_options(OptionTable& t, inference::EncodeOptions& o) {
  t.add_string("clip_model", &o.clip_model,
               "ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px, hf_clip:ORG/NAME, "
               "open_clip:ARCH/TAG, or a local model folder");
  t.add_optional_string("mclip_model", &o.mclip_model,
                        "a multilingual text model (a sentence-transformers or M-CLIP hub "
                        "repository, e.g. sentence-transformers/clip-ViT-B-32-multilingual-v1, or "
                        "a folder): --text is embedded with it instead of the CLIP model");
  t.add_repeated_string("text", &o.texts,
                        "a caption to encode; repeat for several (one output row each, in order)");
  t.add_repeated_string("image", &o.images,
                        "an image file to encode; repeat for several (one output row each)");
  t.add_optional_string("input_ids", &o.input_ids,
                        "a .npy of n x 77 token ids (int64 or int32) to embed as given, e.g. "
                        "another implementation's tokenizer output");
  t.add_optional_string("pixel_values", &o.pixel_values,
                        "a .npy of n x 3 x S x S float32 preprocessed pixels to embed as given");
  t.add_string("output", &o.output,
               "a .npy file to write, or - for one JSON array per input on stdout");
  t.add_bool("normalize", &o.normalize,
             "L2-normalise the embeddings (what the index stores); False gives the raw "
             "projected features");
  t.add_bool("tokens_only", &o.tokens_only,
             "output the n x 77 int64 token ids of --text instead of embeddings");
  t.add_bool("pixels_only", &o.pixels_only,
             "output the n x 3 x S x S float32 preprocessed pixels of --image instead of "
             "embeddings");
  t.add_precision(&o.precision);
  t.add_int("batch_size", &o.batch_size, "inputs per model call");
  t.add_optional_string("clip_cache_path", &o.clip_cache_path,
                        "model download cache; None means ~/.cache/clip_retrieval");
}

OptionTable encode_table(inference::EncodeOptions& options) {
  OptionTable table(
      "clip-retrieval encode",
      "Embed a few texts or images with a CLIP model, one row per input in the order given, "
      "as a .npy matrix or JSON lines on stdout. One modality per call (one matrix per output). "
      "With --tokens_only / --pixels_only, the model inputs instead: token ids or preprocessed "
      "pixels.");
  add_encode_options(table, options);
  return table;
}

}  // namespace

std::vector<OptionTable> encode_tables() {
  static inference::EncodeOptions defaults;
  return {encode_table(defaults)};
}

int run_encode_command(const std::vector<std::string>& args) {
  inference::EncodeOptions options;
  OptionTable table = encode_table(options);
  if (!parse_or_show_help(table, args)) return 0;
  inference::EncodeEnvironment environment;
  environment.hub = hub::hub_options_from_environment(options.clip_cache_path);
  environment.model.precision = model::parse_precision(options.precision);
  // OpenBLAS on every core for the model's batches (its one setting for the whole run).
  core::configure_compute_threads({.blas = core::available_cores()});
  inference::run_encode(options, environment, std::cout);
  return 0;
}

}  // namespace clipret::cli
