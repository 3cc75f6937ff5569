// index/distance_kernels_baseline.cpp: index/distance_kernels_impl.h compiled for baseline (its
// flags are set in index/CMakeLists.txt).
#define CLIPRET_DISTANCE_KERNELS_NAME kBaselineDistanceKernels
#define CLIPRET_DISTANCE_KERNELS_ISA "baseline"
#include "index/distance_kernels_impl.h"
