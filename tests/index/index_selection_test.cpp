// The selection table (vectors, dimension, budget) -> key of autofaiss's documented cases
// (autofaiss-notes §1.7), the size estimates, and where the corrected estimates differ.
#include "index/index_selection.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "index/index_key.h"
#include "index/memory_string.h"

namespace clipret::index {
namespace {

SelectionInput input(int64_t n, int64_t d, const char* budget, bool mappable = false) {
  return {n, d, parse_memory_string(budget, "m"), false, mappable, true};
}

// Each documented case: autofaiss's key, and ours where the measured replacement (lists of
// scalar-quantized residuals ahead of OPQ-PQ, docs/index.md "Choice of index") fits; autofaiss's
// key then stays among the candidates.
TEST(IndexSelectionTest, AutofaissWorkedExamples) {
  struct Case {
    int64_t n, d;
    const char* budget;
    bool mappable;
    const char* autofaiss_key;
    const char* key;  // ours, when it differs
    size_t count;
  };
  const Case cases[] = {
      {500, 128, "16G", false, "Flat", nullptr, 1},
      {500, 128, "16G", true, "IVF1,Flat", nullptr, 1},
      {5000, 128, "16G", false, "HNSW15", nullptr, 1},
      {5000, 128, "16G", true, "IVF256,Flat", nullptr, 4},
      {100000, 512, "16G", false, "HNSW32", nullptr, 1},
      {100000, 512, "100M", false, "OPQ256_768,IVF1024_HNSW32,PQ256x8", "IVF1024_HNSW32,SQ8",
       4 + 4 + 36},
      {100000, 512, "100M", true, "OPQ256_768,IVF1024_HNSW32,PQ256x8", "IVF1024_HNSW32,SQ8",
       4 + 4 + 36},
      {999999, 512, "50G", true, "IVF4096,Flat", nullptr, 4},
      {1000000, 512, "50G", true, "OPQ256_768,IVF16384_HNSW32,PQ256x8", "IVF16384_HNSW32,SQ8", 0},
      {10000000, 768, "16G", false, "OPQ256_1024,IVF65536_HNSW32,PQ256x8", "IVF65536_HNSW32,SQ8",
       0},
      {100000000, 768, "16G", false, "OPQ128_896,IVF65536_HNSW32,PQ128x8", nullptr, 0},
      {1000000000, 768, "50G", false, "OPQ32_224,IVF131072_HNSW32,PQ32x8", nullptr, 0},
      {5550336490, 768, "200G", true, "OPQ24_168,IVF131072_HNSW32,PQ24x8", nullptr, 0},
  };
  for (const auto& c : cases) {
    const auto keys = select_index_keys(input(c.n, c.d, c.budget, c.mappable));
    ASSERT_FALSE(keys.empty()) << c.n;
    EXPECT_EQ(keys.front(), c.key != nullptr ? c.key : c.autofaiss_key)
        << c.n << " x " << c.d << " in " << c.budget;
    EXPECT_NE(std::find(keys.begin(), keys.end(), c.autofaiss_key), keys.end()) << c.autofaiss_key;
    if (c.count > 0) {
      EXPECT_EQ(keys.size(), c.count) << c.autofaiss_key;
    }
  }
}

TEST(IndexSelectionTest, LargeHnswGivesWayToIvfFlatOverAnHnswQuantizer) {
  EXPECT_EQ(select_index_keys(input(1000000, 512, "4G")),
            (std::vector<std::string>{"IVF16384_HNSW32,Flat", "HNSW32"}));
  EXPECT_EQ(select_index_keys(input(999999, 512, "4G")), (std::vector<std::string>{"HNSW32"}));
  SelectionInput autofaiss = input(1000000, 512, "4G");
  autofaiss.measured_replacements = false;
  EXPECT_EQ(select_index_keys(autofaiss), (std::vector<std::string>{"HNSW32"}));
  autofaiss.max_index_bytes = parse_memory_string("1G", "m");
  EXPECT_EQ(select_index_keys(autofaiss).front(), "OPQ256_768,IVF16384_HNSW32,PQ256x8");
}

TEST(IndexSelectionTest, ScalarQuantizedListsComeFirstWhenTheyFit) {
  // 1M x 512: SQ8 needs 520 B a vector, SQ6 392 B, PQ256 264 B (codes and list ids).
  EXPECT_EQ(select_index_keys(input(1000000, 512, "1G")).front(), "IVF16384_HNSW32,SQ8");
  EXPECT_EQ(select_index_keys(input(1000000, 512, "450M")).front(), "IVF16384_HNSW32,SQ6");
  EXPECT_EQ(select_index_keys(input(1000000, 512, "350M")).front(),
            "OPQ256_768,IVF16384_HNSW32,PQ256x8");
  // Under 1,000 lists the coarse quantizer stays flat, as for the PQ keys.
  EXPECT_EQ(scalar_quantized_keys(20000).front(), "IVF512,SQ8");
  for (const auto& key : scalar_quantized_keys(1000000)) {
    EXPECT_EQ(parse_index_key(key).family, IndexFamily::kIvfSq) << key;
  }
}

TEST(IndexSelectionTest, NlistCandidates) {
  EXPECT_EQ(nlist_candidates(500), (std::vector<int64_t>{64, 128, 64, 89}));
  EXPECT_EQ(nlist_candidates(5000), (std::vector<int64_t>{256, 512, 256, 283}));
  EXPECT_EQ(nlist_candidates(100000), (std::vector<int64_t>{1024, 2048, 1024, 1265}));
  EXPECT_EQ(nlist_candidates(999999), (std::vector<int64_t>{4096, 8192, 4096, 4000}));
  EXPECT_EQ(nlist_candidates(5000000), (std::vector<int64_t>{16384, 65536}));
  EXPECT_EQ(opq_output_dim(512, 256), 768);
  EXPECT_EQ(opq_output_dim(768, 32), 224);
}

TEST(IndexSelectionTest, AutofaissSizeEstimatesAreReproduced) {
  EXPECT_EQ(autofaiss_index_bytes(parse_index_key("Flat"), 500, 128, false), 256000);
  EXPECT_EQ(autofaiss_index_bytes(parse_index_key("HNSW32"), 100000, 512, false), 230400000);
}

TEST(IndexSelectionTest, CorrectedEstimatesCountWhatFaissStores) {
  // IVF-Flat lists hold an 8-byte id per vector, which autofaiss leaves out.
  const auto ivf = parse_index_key("IVF1024,Flat");
  EXPECT_EQ(estimated_index_bytes(ivf, 100000, 512, false) -
                autofaiss_index_bytes(ivf, 100000, 512, false),
            100000 * 8);
  // OPQ: the matrix is y x d (autofaiss writes m x y) and centroids live in y dimensions.
  const auto opq = parse_index_key("OPQ256_768,IVF16384_HNSW32,PQ256x8");
  EXPECT_EQ(opq.opq_m, 256);
  EXPECT_EQ(opq.out_dim, 768);
  EXPECT_EQ(opq.nlist, 16384);
  EXPECT_EQ(opq.hnsw_m, 32);
  EXPECT_EQ(opq.pq_m, 256);
  const int64_t fixed = fixed_index_bytes(opq, 512);
  EXPECT_GE(fixed, 4 * 16384 * 768 + 4 * 512 * 768 + 4 * 256 * 768);
  EXPECT_GT(estimated_index_bytes(opq, 1000000, 512, false),
            autofaiss_index_bytes(opq, 1000000, 512, false));
}

TEST(IndexSelectionTest, QuantizedChoiceFitsTheBudgetWithItsFixedParts) {
  // autofaiss compares n * (pq + 8) only; with 16,384 centroids of 768 floats (48 MiB) the
  // PQ256 index of 1M vectors (252 MiB of codes and ids) does not fit 280 MiB.
  const auto keys = select_index_keys(input(1000000, 512, "280M"));
  ASSERT_FALSE(keys.empty());
  EXPECT_EQ(keys.front(), "OPQ128_640,IVF16384_HNSW32,PQ128x8");
  for (const auto& key : keys) {
    EXPECT_LE(estimated_index_bytes(parse_index_key(key), 1000000, 512, false), 280ll << 20);
  }
}

TEST(IndexSelectionTest, TooSmallBudgetGivesTheSmallestThatWorks) {
  const auto in = input(1000000, 512, "1M");
  EXPECT_TRUE(select_index_keys(in).empty());
  const SmallestBudget smallest = smallest_index_budget(in);
  EXPECT_EQ(smallest.key, "OPQ4_28,IVF16384_HNSW32,PQ4x8");
  SelectionInput enough = in;
  enough.max_index_bytes = smallest.bytes;
  EXPECT_EQ(select_index_keys(enough).front(), smallest.key);
  enough.max_index_bytes = smallest.bytes - 1;
  EXPECT_TRUE(select_index_keys(enough).empty());
}

TEST(IndexSelectionTest, KeyParsing) {
  EXPECT_EQ(parse_index_key("Flat").family, IndexFamily::kFlat);
  EXPECT_EQ(parse_index_key("HNSW15").hnsw_m, 15);
  EXPECT_EQ(parse_index_key("IVF256,Flat").nlist, 256);
  EXPECT_EQ(parse_index_key("Pad768,IVF4096_HNSW32,PQ64x4").pq_bits, 4);
  EXPECT_EQ(parse_index_key("IVF256,PQ16x8").family, IndexFamily::kIvfPq);
  const auto sq8 = parse_index_key("IVF256,SQ8");
  EXPECT_EQ(sq8.family, IndexFamily::kIvfSq);
  EXPECT_EQ(sq8.sq_bits, 8);
  EXPECT_EQ(sq8.sq_code_bytes(100), 100);
  EXPECT_EQ(parse_index_key("IVF256_HNSW32,SQ6").sq_code_bytes(100), 75);
  EXPECT_EQ(parse_index_key("IVF256,SQ4").sq_code_bytes(101), 51);
  EXPECT_EQ(parse_index_key("IVF256,SQfp16").sq_code_bytes(100), 200);
  EXPECT_EQ(parse_index_key("IVF256,SQ7").family, IndexFamily::kOther);
  EXPECT_EQ(parse_index_key("IVF256,SQ8x").family, IndexFamily::kOther);
  const auto ivf_hnsw_flat = parse_index_key("IVF16384_HNSW32,Flat");
  EXPECT_EQ(ivf_hnsw_flat.family, IndexFamily::kIvfFlat);
  EXPECT_EQ(ivf_hnsw_flat.nlist, 16384);
  EXPECT_EQ(ivf_hnsw_flat.hnsw_m, 32);
  // Its coarse quantizer's graph counts like the PQ keys' (64 links of 4 bytes and 20 of
  // bookkeeping per centroid), beside the centroids and the vectors with their ids.
  EXPECT_EQ(estimated_index_bytes(ivf_hnsw_flat, 1000000, 512, false),
            1000000 * (512 * 4 + 8) + 16384 * 512 * 4 + 16384 * (64 * 4 + 20));
  EXPECT_EQ(parse_index_key("HNSW32x").family, IndexFamily::kOther);
  EXPECT_EQ(parse_index_key("OPQ16_64,IVF256,PQ16x8np").family, IndexFamily::kOpqIvfPq);
  EXPECT_EQ(parse_index_key("Pad768,IVF4096,PQ64").family, IndexFamily::kOther);
  EXPECT_EQ(parse_index_key("IVF16384_HNSW32,PQ8").nlist, 0);  // HNSW coarse without OPQ/Pad
  EXPECT_TRUE(key_needs_training("IVF1,Flat"));
  EXPECT_FALSE(key_needs_training("HNSW32"));
}

}  // namespace
}  // namespace clipret::index
