// tests/index/index_cli_util.h: running `clip-retrieval index` and reading what it wrote.
#pragma once

#include <faiss/Index.h>
#include <faiss/index_io.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "index_test_data.h"
#include "test_util.h"

namespace clipret::testing {

inline nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_file(path));
}

inline std::unique_ptr<faiss::Index> load_index(const std::string& path, int flags = 0) {
  return std::unique_ptr<faiss::Index>(faiss::read_index(path.c_str(), flags));
}

// Labels (nq x k) of `index` for the first nq rows of `e` as queries.
inline std::vector<faiss::Index::idx_t> search(faiss::Index& index, const Embeddings& e, int64_t nq,
                                               int64_t k) {
  std::vector<float> distances(static_cast<size_t>(nq * k));
  std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(nq * k));
  index.search(nq, e.values.data(), k, distances.data(), labels.data());
  return labels;
}

// recall@k of labels against brute force, over the first nq rows as queries.
inline double recall_against_brute_force(const std::vector<faiss::Index::idx_t>& labels,
                                         const Embeddings& e, int64_t nq, int64_t k) {
  double hits = 0;
  for (int64_t q = 0; q < nq; ++q) {
    const auto truth = brute_force_top_k(e, e.row(q), k);
    const std::set<int64_t> expected(truth.begin(), truth.end());
    for (int64_t j = 0; j < k; ++j) hits += expected.count(labels[q * k + j]);
  }
  return hits / static_cast<double>(nq * k);
}

struct MeasuredRun {
  int exit_code = -1;
  long max_rss_kb = 0;  // the binary's peak resident set; 0 when GNU time is not installed
};

// Runs the binary under GNU time, whose wait4 reports the child's peak RSS. (The test process
// cannot measure it itself: a child forked from it inherits its resident pages, and Linux
// counts them in the child's ru_maxrss even after exec.)
inline MeasuredRun run_measured(const std::string& args) {
  TempDir dir;
  const bool have_time = run_command("test -x /usr/bin/time").exit_code == 0;
  const std::string rss_file = dir.file("rss");
  const std::string prefix = have_time ? "/usr/bin/time -f %M -o '" + rss_file + "' " : "";
  const auto r = run_command(prefix + "'" + CLIPRET_BINARY + "' " + args);
  MeasuredRun run;
  run.exit_code = r.exit_code;
  if (have_time) run.max_rss_kb = std::atol(read_file(rss_file).c_str());
  return run;
}

}  // namespace clipret::testing
