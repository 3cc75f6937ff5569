#include "index/index_tuning.h"

#include <faiss/Index.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "core/stopwatch.h"
#include "index/faiss_index.h"
#include "index/index_key.h"

namespace clipret::index {

namespace {

constexpr int64_t kLatencyK = 40;
constexpr int64_t kMaxSearchesPerProbe = 2000;
constexpr int64_t kCoverageQueries = 100;
constexpr double kCoverageTarget = 0.99;
constexpr double kCoverageFallbackRatio = 0.95;
constexpr int64_t kMaxNprobe = 6144;
constexpr int64_t kMaxEfSearch = 16383;
constexpr int64_t kMinEfSearch = 16;
constexpr const char kPolysemousOff[] = "ht=2048";

struct ParamFamily {
  std::function<std::string(int64_t)> format;
  int64_t lo = 0;
  int64_t hi = 0;
  double precision_boost = 6;
};

// The nlist of the first "IVF{c}" in a key, 0 when there is none.
int64_t ivf_lists(const std::string& key) {
  const size_t at = key.find("IVF");
  if (at == std::string::npos) return 0;
  int64_t value = 0;
  for (size_t i = at + 3; i < key.size() && key[i] >= '0' && key[i] <= '9' && i < at + 21; ++i) {
    value = value * 10 + (key[i] - '0');
  }
  return value;
}

std::string nprobe_param(int64_t v) {
  return "nprobe=" + std::to_string(v);
}

bool family_of(const std::string& key, ParamFamily* family) {
  const IndexKeyInfo info = parse_index_key(key);
  switch (info.family) {
    case IndexFamily::kOpqIvfPq:
    case IndexFamily::kIvfPq:  // not proposed by autofaiss (a forced key): as with OPQ
      *family = {[](int64_t v) { return nprobe_param(v) + "," + kPolysemousOff; }, 1,
                 std::min(kMaxNprobe, info.nlist), 6};
      return true;
    case IndexFamily::kOpqIvfHnswPq:
    case IndexFamily::kPadIvfHnswPq: {  // autofaiss cannot tune Pad keys; same as OPQ here
      const int64_t hi = std::min(kMaxNprobe, info.nlist);
      *family = {[](int64_t v) {
                   return nprobe_param(v) + ",efSearch=" + std::to_string(2 * v) + "," +
                          kPolysemousOff;
                 },
                 std::min<int64_t>(16, hi), hi, 12};
      return true;
    }
    case IndexFamily::kHnsw:
      *family = {[](int64_t v) { return "efSearch=" + std::to_string(v); }, kMinEfSearch,
                 kMaxEfSearch, 6};
      return true;
    case IndexFamily::kIvfFlat:
    case IndexFamily::kIvfSq:
      if (info.hnsw_m > 0) {  // an HNSW coarse quantizer searches with efSearch = 2 nprobe
        *family = {[](int64_t v) { return nprobe_param(v) + ",efSearch=" + std::to_string(2 * v); },
                   1, std::min(kMaxNprobe, info.nlist), 6};
      } else {
        *family = {nprobe_param, 1, info.nlist, 6};
      }
      return true;
    case IndexFamily::kFlat:
      return false;
    case IndexFamily::kOther:
      break;
  }
  // Any other IVF key (e.g. a forced IVF4096,PQ16x4fs): nprobe over its lists.
  const int64_t lists = ivf_lists(key);
  if (lists <= 0) return false;
  *family = {nprobe_param, 1, std::min(kMaxNprobe, lists), 6};
  return true;
}

// Probes a binary search over [lo, hi] makes.
uint64_t bisection_probes(int64_t lo, int64_t hi) {
  return static_cast<uint64_t>(std::ceil(std::log2(static_cast<double>(hi - lo + 2))));
}

// First v in [lo, hi] with pred(v) true (pred monotone false..true), or hi + 1.
int64_t first_true(int64_t lo, int64_t hi, const std::function<bool(int64_t)>& pred) {
  int64_t a = lo;
  int64_t b = hi + 1;
  while (a < b) {
    const int64_t mid = a + (b - a) / 2;
    if (pred(mid)) {
      b = mid;
    } else {
      a = mid + 1;
    }
  }
  return a;
}

// first_true, probing lo, lo + 1, lo + 3, lo + 7, ... until pred holds, then bisecting the
// last gap: cheap when the answer is near lo and each probe costs more the larger v is.
int64_t first_true_galloping(int64_t lo, int64_t hi, const std::function<bool(int64_t)>& pred) {
  int64_t below = lo - 1;  // largest value known false
  int64_t step = 1;
  for (int64_t v = lo;; v = std::min(hi, v + step), step *= 2) {
    if (pred(v)) return first_true(below + 1, v - 1, pred);
    if (v >= hi) return hi + 1;
    below = v;
  }
}

double coverage(faiss::Index* index, const float* queries, int64_t nq, int64_t k) {
  std::vector<float> distances(static_cast<size_t>(nq * k));
  std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(nq * k));
  run_faiss("search", [&] { index->search(nq, queries, k, distances.data(), labels.data()); });
  const auto missing = std::count(labels.begin(), labels.end(), faiss::Index::idx_t{-1});
  return 1.0 - static_cast<double>(missing) / static_cast<double>(nq * k);
}

}  // namespace

std::string default_index_param(const std::string& key) {
  if (parse_index_key(key).family == IndexFamily::kOpqIvfHnswPq) {
    return "nprobe=64,efSearch=128,ht=2048";
  }
  return "";
}

double single_query_latency_ms(faiss::Index* index, const float* queries, int64_t nq,
                               int64_t max_searches, double timeout_seconds) {
  std::vector<float> distances(kLatencyK);
  std::vector<faiss::Index::idx_t> labels(kLatencyK);
  const int64_t d = index->d;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  int64_t count = 0;
  while (count < max_searches) {
    const float* q = queries + (count % nq) * d;
    run_faiss("search", [&] { index->search(1, q, kLatencyK, distances.data(), labels.data()); });
    ++count;
    elapsed = core::seconds_since(start);
    if (elapsed > timeout_seconds) break;
  }
  return 1000.0 * elapsed / static_cast<double>(count);
}

std::string tune_index_param(faiss::Index* index, const std::string& key, const float* queries,
                             int64_t nq, const TuningOptions& options) {
  ParamFamily family;
  if (key == "Flat" || !family_of(key, &family)) {
    if (key != "Flat") {
      CLIPRET_LOG_WARN("no search parameter to tune for index key %s", key.c_str());
    }
    const std::string param = default_index_param(key);
    apply_index_param(index, param);
    return param;
  }
  CLIPRET_CHECK(nq > 0, Internal, "tune_index_param: no queries");
  // Each probe (one setting measured) is a step of the bar; the two bisections' counts are
  // known, the final walk-down adds its steps as it goes.
  const std::string widest = family.format(family.hi);  // "nprobe=..." / "efSearch=..."
  core::ProgressBar bar({.label = "tuning " + widest.substr(0, widest.find('=')),
                         .unit = "settings",
                         .total = 1 + 2 * bisection_probes(family.lo, family.hi),
                         .enabled = options.show_progress});
  const auto set = [&](int64_t v) {
    apply_index_param(index, family.format(v));
    bar.add(1);
  };

  // Step A: the smallest value that retrieves enough neighbours.
  const int64_t k = std::max<int64_t>(
      1, std::min<int64_t>(options.min_nearest_neighbors_to_retrieve, index->ntotal));
  if (k < options.min_nearest_neighbors_to_retrieve) {
    CLIPRET_LOG_WARN("min_nearest_neighbors_to_retrieve=%lld is more than the %lld vectors",
                     static_cast<long long>(options.min_nearest_neighbors_to_retrieve),
                     static_cast<long long>(index->ntotal));
  }
  const int64_t coverage_nq = std::min(nq, kCoverageQueries);
  const auto covers = [&](int64_t v, double target) {
    set(v);
    return coverage(index, queries, coverage_nq, k) >= target;
  };
  // Coverage only grows with the setting (more lists probed, a wider graph search), so the
  // first setting reaching 99 % is found by galloping up from the smallest: the same value
  // autofaiss's bisection from the widest finds, without the searches at thousands of lists
  // (half a minute at a million vectors) when a few lists already suffice.
  int64_t min_value = first_true_galloping(family.lo, family.hi,
                                           [&](int64_t v) { return covers(v, kCoverageTarget); });
  if (min_value > family.hi) {
    // Even the widest setting (the last one measured) misses 99 %: autofaiss then settles for
    // 95 % of what the widest retrieves, and may exceed the latency target.
    const double max_coverage = coverage(index, queries, coverage_nq, k);
    CLIPRET_LOG_WARN(
        "maximum nearest neighbors coverage is %.1f%%: the latency target may be "
        "exceeded",
        100.0 * max_coverage);
    const double target = kCoverageFallbackRatio * max_coverage;
    // autofaiss keeps the value one below the first that reaches the target (quirk §7.5); the
    // first reaching value is the one that retrieves enough.
    min_value = std::min(
        family.hi, first_true(family.lo, family.hi, [&](int64_t v) { return covers(v, target); }));
  }

  // Step B: the largest value at or above min_value under the latency target.
  const double max_ms = options.max_index_query_time_ms;
  const double timeout = std::min(1.0, 15.0 * max_ms / 1000.0);
  const auto too_slow = [&](int64_t v, double seconds) {
    set(v);
    return single_query_latency_ms(index, queries, nq, kMaxSearchesPerProbe, seconds) >= max_ms;
  };
  const int64_t first_slow =
      first_true(min_value, family.hi, [&](int64_t v) { return too_slow(v, timeout); });
  int64_t best = std::max(min_value, first_slow - 1);
  const double precision_timeout = std::min(1.0, family.precision_boost * timeout);
  bar.set_total(bar.count() + 1);
  while (best > min_value && too_slow(best, precision_timeout)) {
    bar.set_total(bar.count() + 1);
    best -= std::max<int64_t>(1, static_cast<int64_t>(std::floor(0.05 * (best - family.lo))));
    best = std::max(best, min_value);
  }
  const std::string param = family.format(best);
  apply_index_param(index, param);
  bar.set_total(bar.count());
  bar.finish();
  CLIPRET_LOG_INFO("tuned %s: %s (coverage of %lld neighbours reached from %lld)", key.c_str(),
                   param.c_str(), static_cast<long long>(k), static_cast<long long>(min_value));
  return param;
}

}  // namespace clipret::index
