// `clip-retrieval inference`: the option table of spec §1.1 over InferenceOptions.
#include "cli/inference_command.h"

#include "cli/command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/option_table.h"
#include "core/compute_threads.h"
#include "core/error.h"
#include "core/launch_environment.h"
#include "hub/hub_options.h"
#include "inference/inference_options.h"
#include "inference/inference_runner.h"
#include "inference/slurm_launcher.h"
#include "model/clip_config.h"

namespace clipret::cli {

void add_inference_options(OptionTable& t, inference::InferenceOptions& o) {
  t.add_string_list("input_dataset", &o.input_dataset,
                    "files: a folder of images (+ .txt captions, .json metadata). webdataset: a "
                    "brace pattern such as \"shards/{00000..00150}.tar\" (quote it in the shell), "
                    "a list '[\"a.tar\",\"b.tar\"]', or pipe:CMD shards",
                    /*required=*/true);
  t.add_string("output_folder", &o.output_folder,
               "folder that receives img_emb/, text_emb/, metadata/ and stats/",
               /*required=*/true);
  t.add_string("input_format", &o.input_format, "files or webdataset");
  t.add_optional_string("cache_path", &o.cache_path,
                        "folder where webdataset shards are cached after the first read");
  t.add_int("batch_size", &o.batch_size, "samples per model call");
  t.add_int("num_prepro_workers", &o.num_prepro_workers,
            "threads that decode and preprocess images; 0 = on the reading thread");
  t.add_bool("enable_text", &o.enable_text, "compute text embeddings of the captions");
  t.add_bool("enable_image", &o.enable_image, "compute image embeddings");
  t.add_bool("enable_metadata", &o.enable_metadata,
             "flatten each sample's .json into the metadata parquet (dotted names for nesting)");
  t.add_int("write_batch_size", &o.write_batch_size,
            "target samples per output partition (sets the partition count when "
            "output_partition_count is None)");
  t.add_string("wds_image_key", &o.wds_image_key,
               "webdataset member extension of the image; alternatives separated by ';' "
               "(jpg;png;webp: the first present)");
  t.add_string("wds_caption_key", &o.wds_caption_key, "webdataset member extension of the caption");
  t.add_string("clip_model", &o.clip_model,
               "ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px, hf_clip:ORG/NAME, "
               "open_clip:ARCH/TAG, or a local model folder");
  t.add_string("mclip_model", &o.mclip_model, "multilingual text model used with --use_mclip");
  t.add_bool("use_mclip", &o.use_mclip, "embed captions with the multilingual text model");
  t.add_bool("use_jit", &o.use_jit, "accepted for compatibility (TorchScript); no effect");
  t.add_string("distribution_strategy", &o.distribution_strategy,
               "sequential (one process), mpi (ranks of mpirun/srun split the partitions) or "
               "slurm (write and submit an sbatch script)");
  t.add_int("wds_number_file_per_input_file", &o.wds_number_file_per_input_file,
            "assumed samples per webdataset shard when estimating the partition count");
  t.add_optional_int("output_partition_count", &o.output_partition_count,
                     "number of output partitions; None estimates it from the input");
  t.add_string("wandb_project", &o.wandb_project, "accepted for compatibility (wandb)");
  t.add_bool("enable_wandb", &o.enable_wandb,
             "not supported: stats go to stats/*.json and the final summary");
  t.add_optional_string("clip_cache_path", &o.clip_cache_path,
                        "model download cache; None means ~/.cache/clip_retrieval");
  t.add_optional_string("slurm_job_name", &o.slurm_job_name, "sbatch --job-name");
  t.add_optional_string("slurm_partition", &o.slurm_partition, "sbatch --partition");
  t.add_optional_int("slurm_nodes", &o.slurm_nodes, "sbatch --nodes (8 tasks per node)");
  t.add_optional_string("slurm_job_comment", &o.slurm_job_comment, "sbatch and srun --comment");
  t.add_optional_string("slurm_nodelist", &o.slurm_nodelist, "sbatch --nodelist");
  t.add_optional_string("slurm_exclude", &o.slurm_exclude, "sbatch --exclude");
  t.add_optional_int("slurm_job_timeout", &o.slurm_job_timeout,
                     "seconds to wait for the slurm job before scancel; None means two weeks");
  t.add_optional_string("slurm_cache_path", &o.slurm_cache_path,
                        "where the sbatch script and worker arguments are written; None means "
                        "~/.cache");
  t.add_bool("slurm_verbose_wait", &o.slurm_verbose_wait,
             "print squeue output while waiting for the job");
  t.add_optional_int("subset_size", &o.subset_size,
                     "process only the first N samples of the input; None processes all");
  t.add_bool("dry_run", &o.dry_run,
             "with distribution_strategy slurm: write the sbatch script and print it instead of "
             "submitting it");
  t.add_precision(&o.precision);
}

namespace {

OptionTable inference_table(inference::InferenceOptions& options) {
  OptionTable table(
      "clip-retrieval inference",
      "Compute CLIP embeddings for a folder of files or webdataset shards, written as "
      "img_emb/img_emb_N.npy, text_emb/text_emb_N.npy (float16, L2-normalised) and "
      "metadata/metadata_N.parquet.");
  add_inference_options(table, options);
  return table;
}

}  // namespace

std::vector<OptionTable> inference_tables() {
  static inference::InferenceOptions defaults;
  return {inference_table(defaults)};
}

int run_inference_command(const std::vector<std::string>& args) {
  inference::InferenceOptions options;
  OptionTable table = inference_table(options);
  if (!parse_or_show_help(table, args)) return 0;
  if (options.distribution_strategy == "slurm") {
    inference::validate(options);
    std::vector<std::string> exclude = {"distribution_strategy", "dry_run"};
    for (const auto& spec : table.options()) {
      if (spec.name.rfind("slurm_", 0) == 0) exclude.push_back(spec.name);
    }
    const auto job = inference::write_slurm_job(options, table.given_arguments(exclude),
                                                std::filesystem::read_symlink("/proc/self/exe"));
    if (options.dry_run) {
      std::fputs(job.script.c_str(), stdout);
    } else {
      inference::submit_and_wait(job, options);
    }
    return 0;
  }
  inference::InferenceEnvironment environment;
  environment.hub = hub::hub_options_from_environment(options.clip_cache_path);
  environment.model.precision = model::parse_precision(options.precision);
  environment.rank = core::launch_environment_from_env();
  // OpenBLAS on every core for the model's batches (its one setting for the whole run).
  core::configure_compute_threads({.blas = core::available_cores()});
  // Under mpi, only rank 0 draws progress; the others would garble the terminal.
  environment.show_progress = environment.rank.rank == 0;
  environment.hub.show_progress = environment.show_progress;
  inference::run_inference(options, environment);
  return 0;
}

}  // namespace clipret::cli
