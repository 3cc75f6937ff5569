// index/index_runner.h: `clip-retrieval index` (spec §2): image and text indices of an
// inference output folder, plus its metadata.
#pragma once

#include <string>
#include <vector>

#include "index/index_builder.h"
#include "index/index_options.h"

namespace clipret::index {

// For name in (image, text): when <embeddings_folder>/<subfolder> exists, builds
// <index_folder>/<name>.index and <name>.json; then copies <embeddings_folder>/metadata to
// <index_folder>/metadata when copy_metadata. Every input and budget is checked before the
// first index is built. Error(kNotFound) when neither subfolder exists; Error(kInvalidInput)
// when <index_folder>/metadata already exists and would be copied over (as the original).
std::vector<BuiltIndex> run_index(const IndexOptions& options, const IndexEnvironment& environment);

}  // namespace clipret::index
