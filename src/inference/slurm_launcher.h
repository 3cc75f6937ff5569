// inference/slurm_launcher.h: distribution_strategy=slurm (spec §1.9).
//
// Writes <slurm_cache_path>/worker_args_<stamp>.json and sbatch_script_<stamp>.sh, submits the
// script with sbatch and waits for the job (squeue every second, scancel past
// slurm_job_timeout). The script runs `srun clip-retrieval inference ... --distribution_strategy
// mpi`: each task finds its rank in SLURM_PROCID/SLURM_NTASKS and takes its block of partitions
// (spec §1.11).
#pragma once

#include <string>
#include <vector>

#include "inference/inference_options.h"

namespace clipret::inference {

struct SlurmJob {
  std::string script;       // the sbatch script's text
  std::string script_path;  // where it was written
  std::string args_path;    // the worker arguments json
};

// `worker_arguments`: the inference options to pass on (`--name=value` words, without
// distribution_strategy and the slurm_* options); `binary`: path of clip-retrieval.
// Throws Error(kIo) when the files cannot be written.
SlurmJob write_slurm_job(const InferenceOptions& options,
                         const std::vector<std::string>& worker_arguments,
                         const std::string& binary);

// Submits `job` with sbatch and waits until it leaves the queue. Throws Error(kIo) when sbatch
// fails or its answer has no job id, Error(kIo) after cancelling a job that ran past
// slurm_job_timeout.
void submit_and_wait(const SlurmJob& job, const InferenceOptions& options);

// POSIX shell single-quoting: 'it'\''s'.
std::string shell_quote(const std::string& word);

}  // namespace clipret::inference
