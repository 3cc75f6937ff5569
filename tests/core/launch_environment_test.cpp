// core/launch_environment.h: each launcher's variables, and the single-process default.
#include "core/launch_environment.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.h"

namespace clipret::core {
namespace {

// Clears every variable the reader looks at, so the machine's own environment cannot leak in.
class LaunchEnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name :
         {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
          "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "SLURM_PROCID", "SLURM_NTASKS",
          "SLURM_LOCALID", "PMIX_NAMESPACE", "OMPI_MCA_ess_base_jobid", "SLURM_JOB_ID",
          "SLURM_STEP_ID"}) {
      unsetenv(name);
    }
  }
};

TEST_F(LaunchEnvironmentTest, NoLauncherIsOneLocalProcess) {
  const LaunchEnvironment launch = launch_environment_from_env();
  EXPECT_EQ(launch.rank, 0);
  EXPECT_EQ(launch.world_size, 1);
  EXPECT_EQ(launch.local_rank, 0);
  EXPECT_EQ(launch.run_id, "local");
}

TEST_F(LaunchEnvironmentTest, OpenMpi) {
  setenv("OMPI_COMM_WORLD_RANK", "3", 1);
  setenv("OMPI_COMM_WORLD_SIZE", "4", 1);
  setenv("OMPI_COMM_WORLD_LOCAL_RANK", "1", 1);
  setenv("PMIX_NAMESPACE", "prterun-host-1234@1", 1);
  const LaunchEnvironment launch = launch_environment_from_env();
  EXPECT_EQ(launch.rank, 3);
  EXPECT_EQ(launch.world_size, 4);
  EXPECT_EQ(launch.local_rank, 1);
  EXPECT_EQ(launch.run_id, "prterun-host-1234_1");
}

TEST_F(LaunchEnvironmentTest, SlurmWithJobStep) {
  setenv("SLURM_PROCID", "5", 1);
  setenv("SLURM_NTASKS", "8", 1);
  setenv("SLURM_JOB_ID", "4242", 1);
  setenv("SLURM_STEP_ID", "0", 1);
  const LaunchEnvironment launch = launch_environment_from_env();
  EXPECT_EQ(launch.rank, 5);
  EXPECT_EQ(launch.world_size, 8);
  EXPECT_EQ(launch.local_rank, 0);
  EXPECT_EQ(launch.run_id, "4242.0");
}

TEST_F(LaunchEnvironmentTest, RankWithoutSizeIsIgnoredAndBadNumbersAreNamed) {
  setenv("PMI_RANK", "2", 1);
  EXPECT_EQ(launch_environment_from_env().world_size, 1);
  setenv("PMI_SIZE", "two", 1);
  try {
    launch_environment_from_env();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("PMI_SIZE=two"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace clipret::core
