#include "inference/slurm_launcher.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/log.h"

namespace clipret::inference {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kTasksPerNode = 8;                 // one per GPU, as the original's script
constexpr int64_t kDefaultTimeoutSeconds = 1210000;  // two weeks, the original's default

struct CommandOutput {
  int status = -1;
  std::string text;
};

CommandOutput run_shell(const std::string& command) {
  CommandOutput out;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  CLIPRET_CHECK(pipe != nullptr, Io, "cannot run '%s'", command.c_str());
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.text.append(buffer, n);
  out.status = ::pclose(pipe);
  return out;
}

std::string default_cache_path() {
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "/tmp") + "/.cache";
}

}  // namespace

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

SlurmJob write_slurm_job(const InferenceOptions& o,
                         const std::vector<std::string>& worker_arguments,
                         const std::string& binary) {
  const std::string cache = o.slurm_cache_path.value_or(default_cache_path());
  fs::create_directories(cache);
  const auto stamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  SlurmJob job;
  job.args_path = (fs::path(cache) / ("worker_args_" + std::to_string(stamp) + ".json")).string();
  job.script_path = (fs::path(cache) / ("sbatch_script_" + std::to_string(stamp) + ".sh")).string();
  const int64_t nodes = o.slurm_nodes.value_or(1);

  std::ostringstream s;
  s << "#!/bin/bash\n";
  s << "#SBATCH --partition=" << o.slurm_partition.value_or("") << "\n";
  s << "#SBATCH --job-name=" << o.slurm_job_name.value_or("clip_inference") << "\n";
  s << "#SBATCH --output=" << cache << "/slurm-%x_%j.out\n";
  s << "#SBATCH --nodes=" << nodes << "\n";
  s << "#SBATCH --ntasks-per-node=" << kTasksPerNode << "\n";
  s << "#SBATCH --cpus-per-gpu=6\n";
  s << "#SBATCH --gres=gpu:8\n";
  s << "#SBATCH --exclusive\n";
  if (o.slurm_job_comment) s << "#SBATCH --comment=" << *o.slurm_job_comment << "\n";
  if (o.slurm_nodelist) s << "#SBATCH --nodelist=" << *o.slurm_nodelist << "\n";
  if (o.slurm_exclude) s << "#SBATCH --exclude=" << *o.slurm_exclude << "\n";
  s << "\n";
  s << "export WORLD_SIZE=" << nodes * kTasksPerNode << "\n";
  s << "export WORKER_ARGS_PATH=" << shell_quote(job.args_path) << "\n\n";
  s << "# Each task finds its rank in SLURM_PROCID/SLURM_NTASKS and takes its partitions.\n";
  s << "srun --cpu_bind=v --accel-bind=gn";
  // Quirk fixed: the original fails building this line when slurm_job_comment is None.
  if (o.slurm_job_comment) s << " --comment " << shell_quote(*o.slurm_job_comment);
  s << " " << shell_quote(binary) << " inference";
  for (const auto& argument : worker_arguments) s << " \\\n    " << shell_quote(argument);
  s << " \\\n    --distribution_strategy=mpi\n";
  job.script = s.str();

  nlohmann::ordered_json args;
  args["binary"] = binary;
  args["arguments"] = worker_arguments;
  args["world_size"] = nodes * kTasksPerNode;
  std::ofstream(job.args_path) << args.dump(2) << "\n";
  std::ofstream script_file(job.script_path);
  script_file << job.script;
  CLIPRET_CHECK(script_file.good(), Io, "%s: cannot write", job.script_path.c_str());
  fs::permissions(job.script_path, fs::perms::owner_exec, fs::perm_options::add);
  return job;
}

void submit_and_wait(const SlurmJob& job, const InferenceOptions& o) {
  const CommandOutput submitted = run_shell("sbatch " + shell_quote(job.script_path));
  CLIPRET_CHECK(submitted.status == 0, Io, "sbatch %s failed: %s", job.script_path.c_str(),
                submitted.text.c_str());
  std::string job_id;
  std::istringstream lines(submitted.text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("Submitted") == std::string::npos) continue;
    std::istringstream words(line);
    std::string word;
    for (int i = 0; i < 4 && words >> word; ++i) job_id = word;  // "Submitted batch job <id>"
  }
  CLIPRET_CHECK(!job_id.empty(), Io, "sbatch gave no job id: %s", submitted.text.c_str());
  CLIPRET_LOG_INFO("submitted slurm job %s (%s)", job_id.c_str(), job.script_path.c_str());

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(o.slurm_job_timeout.value_or(kDefaultTimeoutSeconds));
  while (true) {
    const CommandOutput queue = run_shell("squeue -j " + job_id);
    if (o.slurm_verbose_wait) CLIPRET_LOG_INFO("%s", queue.text.c_str());
    const bool gone = queue.text.find("Invalid job id specified") != std::string::npos ||
                      std::count(queue.text.begin(), queue.text.end(), '\n') <= 1;
    if (gone) break;
    if (std::chrono::steady_clock::now() > deadline) {
      run_shell("scancel " + job_id);
      CLIPRET_THROW(Io, "slurm job %s ran past --slurm_job_timeout and was cancelled",
                    job_id.c_str());
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  CLIPRET_LOG_INFO("slurm job %s finished; outputs in %s", job_id.c_str(), o.output_folder.c_str());
}

}  // namespace clipret::inference
