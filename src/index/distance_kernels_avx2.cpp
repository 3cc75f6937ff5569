// index/distance_kernels_avx2.cpp: index/distance_kernels_impl.h compiled for avx2 (its flags
// are set in index/CMakeLists.txt).
#define CLIPRET_DISTANCE_KERNELS_NAME kAvx2DistanceKernels
#define CLIPRET_DISTANCE_KERNELS_ISA "avx2"
#include "index/distance_kernels_impl.h"
