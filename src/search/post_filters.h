// search/post_filters.h: the result filters of /knn-service (spec §3.6 step 4). Each takes the
// n x dim L2-normalised result vectors in rank order and returns the positions to drop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace clipret::search {

// Near-duplicate removal: results whose vectors have inner product > `threshold` are linked,
// and in each connected component only the best-ranked (lowest position) survives. `vectors`
// is n x dim row-major.
std::vector<size_t> duplicate_positions(const float* vectors, size_t n, size_t dim,
                                        float threshold = 0.94f);

// The violence detector's prompt matrix (prompts x dim, one row per prompt; row 1 is the
// violent one), loaded from an .npy (float16/32/64).
struct ViolencePrompts {
  size_t prompts = 0;
  size_t dim = 0;
  std::vector<float> matrix;  // prompts x dim row-major
};
// Throws Error(kNotFound)/Error(kCorrupt) naming the file; Error(kInvalidInput) when it is not
// a 2-D matrix with at least two prompts.
ViolencePrompts load_violence_prompts(const std::string& path);

// Rows whose best-matching prompt (argmax of vectors · promptsᵀ, first on ties) is prompt 1.
std::vector<size_t> violent_positions(const float* vectors, size_t n, size_t dim,
                                      const ViolencePrompts& prompts);

}  // namespace clipret::search
