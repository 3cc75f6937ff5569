// Replays tests/fuzz/regressions/<target>/ through the libFuzzer targets' bodies
// (fuzz_targets.h): every file must return normally, as under scripts/fuzz.sh, where a
// clipret::Error (other than kInternal) is an expected rejection and anything else a finding.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {
namespace {

using FuzzOne = int (*)(const uint8_t*, size_t);

// The files of regressions/<target>/ in name order (README.md and other notes excluded).
std::vector<std::filesystem::path> regression_files(const std::string& target) {
  const std::filesystem::path dir =
      std::filesystem::path(CLIPRET_SOURCE_DIR) / "tests/fuzz/regressions" / target;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() != ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void replay(const std::string& target, FuzzOne fuzz_one) {
  const std::vector<std::filesystem::path> files = regression_files(target);
  ASSERT_FALSE(files.empty()) << "no inputs in tests/fuzz/regressions/" << target;
  for (const std::filesystem::path& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(in.good() || in.eof());
    EXPECT_NO_THROW(fuzz_one(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
}

TEST(FuzzRegressionsTest, Npy) {
  replay("npy", fuzz_one_npy);
}
TEST(FuzzRegressionsTest, Safetensors) {
  replay("safetensors", fuzz_one_safetensors);
}
TEST(FuzzRegressionsTest, PyLiteral) {
  replay("py_literal", fuzz_one_py_literal);
}
TEST(FuzzRegressionsTest, BraceExpand) {
  replay("brace_expand", fuzz_one_brace_expand);
}
TEST(FuzzRegressionsTest, ClipTokenizer) {
  replay("clip_tokenizer", fuzz_one_clip_tokenizer);
}
TEST(FuzzRegressionsTest, KnnRequest) {
  replay("knn_request", fuzz_one_knn_request);
}
TEST(FuzzRegressionsTest, IndicesPaths) {
  replay("indices_paths", fuzz_one_indices_paths);
}
TEST(FuzzRegressionsTest, TorchPickle) {
  replay("torch_pickle", fuzz_one_torch_pickle);
}
TEST(FuzzRegressionsTest, Wordpiece) {
  replay("wordpiece", fuzz_one_wordpiece);
}
TEST(FuzzRegressionsTest, UrlList) {
  replay("url_list", fuzz_one_url_list);
}
TEST(FuzzRegressionsTest, ImageDecode) {
  replay("image_decode", fuzz_one_image_decode);
}
TEST(FuzzRegressionsTest, ImageResizer) {
  replay("image_resizer", fuzz_one_image_resizer);
}
TEST(FuzzRegressionsTest, Webdataset) {
  replay("webdataset", fuzz_one_webdataset);
}
TEST(FuzzRegressionsTest, Sentencepiece) {
  replay("sentencepiece", fuzz_one_sentencepiece);
}

}  // namespace
}  // namespace clipret::fuzz
