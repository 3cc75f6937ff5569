// inference/inference_runner.h: `clip-retrieval inference` as a library call (spec §1).
#pragma once

#include <cstdint>

#include "core/launch_environment.h"
#include "hub/hub_options.h"
#include "inference/inference_options.h"
#include "inference/partition_runner.h"
#include "model/clip_model.h"

namespace clipret::inference {

// This process's place in a distributed run (distribution_strategy=mpi).
// Everything a run needs besides the options; the CLI fills it from the environment.
struct InferenceEnvironment {
  hub::HubOptions hub;
  model::ClipModelOptions model;
  core::LaunchEnvironment rank;  // core::launch_environment_from_env() under a launcher
  bool show_progress = true;
};

struct InferenceSummary {
  PartitionStats totals;           // this run's partitions (all ranks' on rank 0 under mpi)
  int64_t partitions = 0;          // partitions of the whole job
  int64_t partitions_run = 0;      // computed by this process now
  int64_t partitions_resumed = 0;  // found complete and skipped
};

// Plans the input, takes this rank's partitions, skips those already complete, loads the model
// and runs each partition through the pipeline, writing outputs and stats/<p>.json. Logs a
// summary. Throws Error on bad options or input (e.g. "no sample found").
InferenceSummary run_inference(const InferenceOptions& options,
                               const InferenceEnvironment& environment);

}  // namespace clipret::inference
