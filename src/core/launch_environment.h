// core/launch_environment.h: what a job launcher tells each process of a distributed run
// (`mpirun -n K`, Slurm's `srun`), read in one place for `inference` and `index`.
#pragma once

#include <cstdint>
#include <string>

namespace clipret::core {

struct LaunchEnvironment {
  int64_t rank = 0;        // global rank, 0-based
  int64_t world_size = 1;  // number of ranks
  int64_t local_rank = 0;  // rank on this machine (selects the GPU once CUDA is built)
  // The launcher's job id (PMIx namespace, Open MPI job id, or Slurm job.step): the same for
  // the ranks of one run and different across runs; "local" without a launcher, and under
  // MPICH's Hydra, which gives none. Only [A-Za-z0-9.-], so it can name folders.
  std::string run_id = "local";
};

// Reads Open MPI's mpirun (OMPI_COMM_WORLD_RANK/SIZE/LOCAL_RANK), MPICH/Hydra
// (PMI_RANK/PMI_SIZE/MPI_LOCALRANKID) or Slurm's srun (SLURM_PROCID/SLURM_NTASKS/SLURM_LOCALID),
// the first launcher whose rank and size are both set; a single process when none is. Throws
// Error(kInvalidInput) naming the variable when a value is not an integer.
LaunchEnvironment launch_environment_from_env();

}  // namespace clipret::core
