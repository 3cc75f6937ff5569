#include "inference/inference_options.h"

#include <algorithm>
#include <iterator>

#include "core/error.h"

namespace clipret::inference {
namespace {

template <size_t N>
bool one_of(const std::string& value, const char* const (&choices)[N]) {
  return std::any_of(std::begin(choices), std::end(choices),
                     [&](const char* choice) { return value == choice; });
}

template <size_t N>
std::string join(const char* const (&choices)[N]) {
  std::string out;
  for (const char* choice : choices) out += (out.empty() ? "" : ", ") + std::string(choice);
  return out;
}

void check_positive(const char* name, int64_t value) {
  CLIPRET_CHECK(value > 0, InvalidInput, "--%s must be a positive integer, got %lld", name,
                static_cast<long long>(value));
}

}  // namespace

void validate(const InferenceOptions& o) {
  CLIPRET_CHECK(!o.input_dataset.empty(), InvalidInput, "--input_dataset is empty");
  for (const auto& input : o.input_dataset) {
    CLIPRET_CHECK(!input.empty(), InvalidInput, "--input_dataset contains an empty path");
  }
  CLIPRET_CHECK(!o.output_folder.empty(), InvalidInput, "--output_folder is empty");
  CLIPRET_CHECK(one_of(o.input_format, kInputFormats), InvalidInput,
                "Unsupported input_format '%s': choose one of %s", o.input_format.c_str(),
                join(kInputFormats).c_str());
  CLIPRET_CHECK(o.input_format != "files" || o.input_dataset.size() == 1, InvalidInput,
                "--input_dataset: input_format files takes one folder, got %zu paths",
                o.input_dataset.size());
  if (o.distribution_strategy == "pyspark") {
    CLIPRET_THROW(Unsupported,
                  "--distribution_strategy pyspark is not available in the C++ port: use mpi "
                  "(mpirun/srun) or slurm");
  }
  CLIPRET_CHECK(one_of(o.distribution_strategy, kDistributionStrategies), InvalidInput,
                "The %s strategy is not implemented. Please choose from: %s",
                o.distribution_strategy.c_str(), join(kDistributionStrategies).c_str());
  check_positive("batch_size", o.batch_size);
  CLIPRET_CHECK(o.num_prepro_workers >= 0, InvalidInput,
                "--num_prepro_workers must be 0 or more, got %lld",
                static_cast<long long>(o.num_prepro_workers));
  check_positive("write_batch_size", o.write_batch_size);
  check_positive("wds_number_file_per_input_file", o.wds_number_file_per_input_file);
  if (o.output_partition_count) check_positive("output_partition_count", *o.output_partition_count);
  if (o.subset_size) check_positive("subset_size", *o.subset_size);
  if (o.slurm_nodes) check_positive("slurm_nodes", *o.slurm_nodes);
  if (o.slurm_job_timeout) check_positive("slurm_job_timeout", *o.slurm_job_timeout);
  CLIPRET_CHECK(o.enable_text || o.enable_image || o.enable_metadata, InvalidInput,
                "nothing to compute: enable_text, enable_image and enable_metadata are all False");
  for (const auto& [name, key] :
       {std::pair{"wds_image_key", &o.wds_image_key}, {"wds_caption_key", &o.wds_caption_key}}) {
    CLIPRET_CHECK(!key->empty() && key->front() != ';' && key->back() != ';' &&
                      key->find(";;") == std::string::npos,
                  InvalidInput,
                  "--%s '%s': give a member extension, or alternatives separated by ';' "
                  "(jpg;png;webp)",
                  name, key->c_str());
  }
  CLIPRET_CHECK(!o.clip_model.empty(), InvalidInput, "--clip_model is empty");
  CLIPRET_CHECK(o.distribution_strategy != "slurm" || o.slurm_partition.has_value(), InvalidInput,
                "--distribution_strategy slurm needs --slurm_partition");
  CLIPRET_CHECK(!o.enable_wandb, Unsupported,
                "--enable_wandb is not supported: the C++ port writes stats/*.json and a summary "
                "instead (no wandb client)");
}

}  // namespace clipret::inference
