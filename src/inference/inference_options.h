// inference/inference_options.h: every option of `clip-retrieval inference` (spec §1.1).
//
// Field names are the original's option names; defaults are the original's code defaults.
// The CLI fills this struct; end2end and tests fill it directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clipret::inference {

struct InferenceOptions {
  // `files`: one folder. `webdataset`: brace patterns ("{000..150}.tar"), shard paths or
  // `pipe:CMD` streams; several patterns may be given as a list.
  std::vector<std::string> input_dataset;
  // Receives img_emb/, text_emb/, metadata/ and stats/.
  std::string output_folder;
  std::string input_format = "files";     // `files` or `webdataset`
  std::optional<std::string> cache_path;  // local copy of webdataset shards (None: no cache)
  int64_t batch_size = 256;               // samples per model call
  int64_t num_prepro_workers = 4;         // decode + preprocess threads; 0 = on the reading thread
  bool enable_text = true;                // embed captions
  bool enable_image = true;               // embed images
  bool enable_metadata = false;           // flatten each sample's .json into the metadata parquet
  int64_t write_batch_size = 1000000;     // target samples per output partition
  // Webdataset member extensions of the image and the caption; "jpg;png;webp" takes the first
  // member present (webdataset's syntax), so one value covers mixed shards.
  std::string wds_image_key = "jpg";
  std::string wds_caption_key = "txt";
  std::string clip_model = "ViT-B/32";  // model name or local folder (spec §0)
  std::string mclip_model = "sentence-transformers/clip-ViT-B-32-multilingual-v1";
  bool use_mclip = false;                            // multilingual text tower for captions
  bool use_jit = false;                              // TorchScript in the original; no effect here
  std::string distribution_strategy = "sequential";  // sequential | mpi | slurm
  int64_t wds_number_file_per_input_file = 10000;    // assumed samples per shard (estimation)
  std::optional<int64_t> output_partition_count;     // explicit partition count (skips estimation)
  std::string wandb_project = "clip_retrieval";
  bool enable_wandb = false;
  std::string precision = "fp32";              // the blocks' Linear weights: fp32 or bf16
  std::optional<std::string> clip_cache_path;  // model cache (None: ~/.cache/clip_retrieval)
  std::optional<std::string> slurm_job_name;
  std::optional<std::string> slurm_partition;
  std::optional<int64_t> slurm_nodes;
  std::optional<std::string> slurm_job_comment;
  std::optional<std::string> slurm_nodelist;
  std::optional<std::string> slurm_exclude;
  std::optional<int64_t> slurm_job_timeout;     // seconds (None: two weeks)
  std::optional<std::string> slurm_cache_path;  // sbatch script folder (None: ~/.cache)
  bool slurm_verbose_wait = false;
  std::optional<int64_t> subset_size;  // process only the first N samples (None: all)
  bool dry_run = false;  // slurm: write the sbatch script and print it instead of submitting
};

// The accepted values of the enumerated options, for help texts and validation.
inline constexpr const char* kInputFormats[] = {"files", "webdataset"};
inline constexpr const char* kDistributionStrategies[] = {"sequential", "mpi", "slurm"};

// Throws Error(kInvalidInput) naming the first option whose value cannot work (a negative batch
// size, an unknown input_format, a missing input, ...), and Error(kUnsupported) for values the
// original accepts that this port does not (distribution_strategy=pyspark, enable_wandb).
void validate(const InferenceOptions& options);

}  // namespace clipret::inference
