// distribution_strategy=slurm with --dry_run: the sbatch script of spec §1.9, testable without
// Slurm.
#include <gtest/gtest.h>

#include <filesystem>

#include "test_util.h"

namespace clipret::testing {
namespace {

TEST(SlurmDryRunTest, WritesAndPrintsTheSbatchScript) {
  TempDir dir;
  const auto r = run_clip_retrieval(
      "inference --input_dataset 'shards/{00000..00009}.tar' --output_folder out "
      "--input_format webdataset --distribution_strategy slurm --slurm_partition gpu "
      "--slurm_job_name embed --slurm_nodes 2 --slurm_job_comment \"it's mine\" "
      "--slurm_exclude node7 --slurm_cache_path " +
      dir.path().string() + " --batch_size 64 --dry_run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& script = r.out;
  for (const char* line :
       {"#SBATCH --partition=gpu\n", "#SBATCH --job-name=embed\n", "#SBATCH --nodes=2\n",
        "#SBATCH --ntasks-per-node=8\n", "#SBATCH --cpus-per-gpu=6\n", "#SBATCH --gres=gpu:8\n",
        "#SBATCH --exclusive\n", "#SBATCH --comment=it's mine\n", "#SBATCH --exclude=node7\n",
        "export WORLD_SIZE=16\n", "srun --cpu_bind=v --accel-bind=gn --comment 'it'\\''s mine' ",
        "'--input_dataset=shards/{00000..00009}.tar'", "'--batch_size=64'",
        "--distribution_strategy=mpi\n"}) {
    EXPECT_NE(script.find(line), std::string::npos) << "missing " << line << " in\n" << script;
  }
  EXPECT_EQ(script.find("--slurm_partition"), std::string::npos) << "slurm options leak";
  EXPECT_EQ(script.find("--dry_run"), std::string::npos);
  EXPECT_NE(script.find("#SBATCH --output=" + dir.path().string() + "/slurm-%x_%j.out"),
            std::string::npos);
  int scripts = 0;
  int args = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    scripts += name.rfind("sbatch_script_", 0) == 0;
    args += name.rfind("worker_args_", 0) == 0;
  }
  EXPECT_EQ(scripts, 1);
  EXPECT_EQ(args, 1);
  // The script is valid shell.
  EXPECT_EQ(run_command("bash -n " + dir.path().string() + "/sbatch_script_*.sh").exit_code, 0);
}

TEST(SlurmDryRunTest, SlurmNeedsAPartition) {
  const auto r = run_clip_retrieval("inference in out --distribution_strategy slurm --dry_run");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("needs --slurm_partition"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace clipret::testing
