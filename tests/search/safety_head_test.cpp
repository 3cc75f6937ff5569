#include "search/safety_head.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "model/safetensors_writer.h"
#include "test_util.h"

namespace clipret::search {
namespace {

using model::SafetensorsTensorData;

TEST(SafetyHead, ComputesTheMlpAndDropsAboveOneHalf) {
  testing::TempDir dir;
  // 2 -> 2 (ReLU) -> 1: h = relu(W0 x + b0), score = W1 h + b1.
  model::write_safetensors(dir.file("head.safetensors"),
                           {SafetensorsTensorData{"layers.0.weight", {2, 2}, {1, 0, 0, -1}},
                            SafetensorsTensorData{"layers.0.bias", {2}, {0, 0.5f}},
                            SafetensorsTensorData{"layers.1.weight", {1, 2}, {1, 1}},
                            SafetensorsTensorData{"layers.1.bias", {1}, {0.1f}}});
  const SafetyHead head = SafetyHead::load(dir.file("head.safetensors"));
  EXPECT_EQ(head.input_dim(), 2u);
  const std::vector<float> rows = {0.2f, 0.0f,   // h = (0.2, 0.5) -> 0.8
                                   0.0f, 1.0f,   // h = (0, 0)     -> 0.1 (ReLU cut -0.5)
                                   0.3f, 0.6f};  // h = (0.3, 0)   -> 0.4
  const std::vector<float> scores = head.scores(rows.data(), 3);
  EXPECT_NEAR(scores[0], 0.8f, 1e-6);
  EXPECT_NEAR(scores[1], 0.1f, 1e-6);
  EXPECT_NEAR(scores[2], 0.4f, 1e-6);
  EXPECT_EQ(head.unsafe_positions(rows.data(), 3), (std::vector<size_t>{0}));
}

TEST(SafetyHead, AppliesTheOptionalSigmoid) {
  testing::TempDir dir;
  model::write_safetensors(dir.file("head.safetensors"),
                           {SafetensorsTensorData{"layers.0.weight", {1, 1}, {1}},
                            SafetensorsTensorData{"layers.0.bias", {1}, {0}},
                            SafetensorsTensorData{"output_sigmoid", {1}, {1}}});
  const SafetyHead head = SafetyHead::load(dir.file("head.safetensors"));
  const std::vector<float> rows = {0.0f, 2.0f, -1.0f};
  const std::vector<float> scores = head.scores(rows.data(), 3);
  EXPECT_NEAR(scores[0], 0.5f, 1e-6);
  EXPECT_NEAR(scores[1], 1 / (1 + std::exp(-2.0f)), 1e-6);
  EXPECT_EQ(head.unsafe_positions(rows.data(), 3), (std::vector<size_t>{1}));
}

TEST(SafetyHead, RejectsLayersThatDoNotChain) {
  testing::TempDir dir;
  model::write_safetensors(dir.file("bad.safetensors"),
                           {SafetensorsTensorData{"layers.0.weight", {3, 2}, std::vector<float>(6)},
                            SafetensorsTensorData{"layers.0.bias", {3}, std::vector<float>(3)},
                            SafetensorsTensorData{"layers.1.weight", {1, 2}, {1, 1}},
                            SafetensorsTensorData{"layers.1.bias", {1}, {0}}});
  try {
    SafetyHead::load(dir.file("bad.safetensors"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find("layers.1.weight"), std::string::npos);
  }
  model::write_safetensors(dir.file("empty.safetensors"),
                           {SafetensorsTensorData{"other", {1}, {1}}});
  EXPECT_THROW(SafetyHead::load(dir.file("empty.safetensors")), Error);
}

}  // namespace
}  // namespace clipret::search
