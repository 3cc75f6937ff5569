#include "core/launch_environment.h"

#include <cctype>
#include <cstdlib>
#include <optional>

#include "core/error.h"

namespace clipret::core {
namespace {

std::optional<int64_t> env_int(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  char* end = nullptr;
  const long long parsed = std::strtoll(value, &end, 10);
  CLIPRET_CHECK(*end == '\0', InvalidInput, "environment variable %s=%s is not an integer", name,
                value);
  return parsed;
}

std::string launcher_run_id() {
  for (const char* name : {"PMIX_NAMESPACE", "OMPI_MCA_ess_base_jobid", "SLURM_JOB_ID"}) {
    const char* value = std::getenv(name);
    if (value == nullptr) continue;
    std::string id = value;
    if (const char* step = std::getenv("SLURM_STEP_ID");
        step && std::string(name) == "SLURM_JOB_ID") {
      id += std::string(".") + step;
    }
    for (char& c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
    }
    return id;
  }
  return "local";
}

}  // namespace

LaunchEnvironment launch_environment_from_env() {
  LaunchEnvironment launch;
  const char* const kLaunchers[][3] = {
      {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"},
      {"PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID"},
      {"SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID"},
  };
  for (const auto& names : kLaunchers) {
    const auto rank = env_int(names[0]);
    const auto size = env_int(names[1]);
    if (!rank || !size) continue;
    launch.rank = *rank;
    launch.world_size = *size;
    launch.local_rank = env_int(names[2]).value_or(0);
    break;
  }
  launch.run_id = launcher_run_id();
  return launch;
}

}  // namespace clipret::core
