#include "inference/input_plan.h"

#include "core/brace_expand.h"
#include "core/error.h"
#include "core/log.h"

namespace clipret::inference {
namespace {

constexpr size_t kMissingKeysLogged = 5;

void plan_files(const InferenceOptions& options, InferencePlan& plan) {
  const data::FilesFolder folder = data::scan_files_folder(options.input_dataset.front());
  data::FilesReaderOptions parts{options.enable_text, options.enable_image,
                                 options.enable_metadata};
  parts = data::detect_modalities(folder, parts);
  if (parts.enable_text != options.enable_text || parts.enable_image != options.enable_image ||
      parts.enable_metadata != options.enable_metadata) {
    CLIPRET_LOG_INFO("%s: no %s%s%s files, so those parts are off", folder.root.c_str(),
                     parts.enable_text != options.enable_text ? "caption (.txt) " : "",
                     parts.enable_image != options.enable_image ? "image " : "",
                     parts.enable_metadata != options.enable_metadata ? "metadata (.json) " : "");
  }
  plan.enable_text = parts.enable_text;
  plan.enable_image = parts.enable_image;
  plan.enable_metadata = parts.enable_metadata;
  data::FilesSelection selection = data::select_file_samples(folder, parts);
  if (!selection.missing.empty()) {
    std::string examples;
    for (size_t i = 0; i < selection.missing.size() && i < kMissingKeysLogged; ++i) {
      examples += std::string(i ? ", " : "") + selection.missing[i].key + " (no " +
                  data::file_kind_name(selection.missing[i].missing) + ")";
    }
    CLIPRET_LOG_WARN("%zu sample(s) left out for a missing partner file: %s%s",
                     selection.missing.size(), examples.c_str(),
                     selection.missing.size() > kMissingKeysLogged ? ", ..." : "");
  }
  plan.missing = std::move(selection.missing);
  plan.files = std::move(selection.samples);
  if (options.subset_size && plan.files.size() > static_cast<size_t>(*options.subset_size)) {
    plan.files.resize(static_cast<size_t>(*options.subset_size));
  }
  plan.estimated_samples = static_cast<int64_t>(plan.files.size());
}

}  // namespace

InferencePlan plan_inference(const InferenceOptions& options) {
  validate(options);
  InferencePlan plan;
  plan.webdataset = options.input_format == "webdataset";
  if (plan.webdataset) {
    plan.shards = core::brace_expand_all(options.input_dataset);
    plan.enable_text = options.enable_text;
    plan.enable_image = options.enable_image;
    plan.enable_metadata = options.enable_metadata;
    plan.estimated_samples =
        static_cast<int64_t>(plan.shards.size()) * options.wds_number_file_per_input_file;
  } else {
    plan_files(options, plan);
  }
  CLIPRET_CHECK(plan.estimated_samples > 0, InvalidInput, "no sample found");
  CLIPRET_LOG_INFO("The number of samples has been estimated to be %lld",
                   static_cast<long long>(plan.estimated_samples));
  plan.partition_count = options.output_partition_count.value_or(
      (plan.estimated_samples + options.write_batch_size - 1) / options.write_batch_size);
  return plan;
}

}  // namespace clipret::inference
