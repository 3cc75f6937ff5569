// bench/bench_main.h: the main() of every benchmark program.
//
// Adds the machine and build to the report (Google Benchmark already prints CPU count and caches)
// and refuses to run from a build with assertions, whose timings would mislead.
//   CLIPRET_BENCH_MAIN()   at the end of a bench/<topic>_bench.cpp instead of BENCHMARK_MAIN()
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace clipret::bench {

inline std::string cpu_model_name() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

inline int run_benchmarks(int argc, char** argv) {
#ifndef NDEBUG
  std::fprintf(stderr, "refusing to benchmark a build with assertions: use -DCMAKE_BUILD_TYPE=Release\n");
  return 1;
#endif
  benchmark::AddCustomContext("cpu_model", cpu_model_name());
#ifdef CLIPRET_BUILD_TYPE
  benchmark::AddCustomContext("build_type", CLIPRET_BUILD_TYPE);
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace clipret::bench

#define CLIPRET_BENCH_MAIN() \
  int main(int argc, char** argv) { return ::clipret::bench::run_benchmarks(argc, argv); }
