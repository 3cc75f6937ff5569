// core/stopwatch.h: seconds elapsed since a start, for the stage timings that logs, metrics
// and the json of a build report.
#pragma once

#include <chrono>

namespace clipret::core {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace clipret::core
