// core/l2_normalize.h: L2 normalisation of embedding rows, as the original applies to every
// embedding it writes or searches with (inference, back's queries and results).
#pragma once

#include <cstddef>

namespace clipret::core {

// Divides each of the n rows of `rows` (n x dim row-major, in place) by its L2 norm, summed in
// double; all-zero rows stay zero.
void l2_normalize_rows(float* rows, size_t n, size_t dim);

}  // namespace clipret::core
