// model/random_weights.h: deterministic random weights of a given shape, for benchmarks of real
// model sizes (ViT-B/32 and up) without downloading checkpoints, and for tests.
#pragma once

#include <cstdint>

#include "model/clip_weights.h"

namespace clipret::model {

// Weights for `config` drawn from a fixed generator seeded with `seed`: linear weights uniform
// in +-1/sqrt(fan_in), layer-norm gains near 1, small biases and embeddings, so activations stay
// in a realistic range.
ClipWeights make_random_weights(const ClipConfig& config, uint64_t seed, Backend& backend);

}  // namespace clipret::model
