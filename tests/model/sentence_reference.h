// tests/model/sentence_reference.h: the multilingual text encoders' references
// (tests/model/sentence_reference.py and fixtures/mclip_tiny), shared by the model and hub
// tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace clipret::testing {

struct SentenceCase {
  std::string text;
  std::vector<int32_t> ids;
  std::vector<double> embedding;  // unnormalised
};

inline std::vector<SentenceCase> read_sentence_cases(const std::string& path) {
  std::vector<SentenceCase> cases;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto row = nlohmann::json::parse(line);
    cases.push_back({row.at("text").get<std::string>(),
                     row.at("input_ids").get<std::vector<int32_t>>(),
                     row.at("embedding").get<std::vector<double>>()});
  }
  return cases;
}

inline std::string mclip_tiny_dir() {
  return fixture_path("mclip_tiny/model");
}

inline std::vector<SentenceCase> mclip_tiny_cases() {
  return read_sentence_cases(fixture_path("mclip_tiny/mclip_dev.jsonl"));
}

// ||got - want|| / ||want||.
inline double relative_error(const float* got, const std::vector<double>& want) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    diff += (got[i] - want[i]) * (got[i] - want[i]);
    norm += want[i] * want[i];
  }
  return std::sqrt(diff / norm);
}

// Runs sentence_reference.py (Debian's python3-torch, python3-sentencepiece, spm_train) with
// `args`; an empty string on success, else what went wrong.
inline std::string run_sentence_reference(const std::string& args) {
  const std::string script = std::string(CLIPRET_SOURCE_DIR) + "/tests/model/sentence_reference.py";
  const CommandResult run = run_command("/usr/bin/python3 '" + script + "' " + args);
  if (run.exit_code == 0) return "";
  return "sentence_reference.py " + args +
         " failed (scripts/setup.sh installs python3-torch, "
         "python3-sentencepiece and sentencepiece):\n" +
         run.err;
}

}  // namespace clipret::testing
