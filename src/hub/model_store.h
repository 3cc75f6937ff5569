// hub/model_store.h: a model name → a local folder holding its files, downloading once.
#pragma once

#include <string>

#include "hub/hub_options.h"
#include "hub/model_name.h"

namespace clipret::hub {

// Returns the folder holding the checkpoint `reference` names: the folder itself for a local
// one; otherwise <cache_dir>/<org>--<name>/<revision>/, downloaded from the hub first unless a
// previous run completed it (marked by a `.complete` file, so a cached model needs no network).
// Sharded weights (`model.safetensors.index.json`) are followed. Throws Error(kNotFound) when
// the hub has no such repository or file, Error(kIo) when it cannot be reached, and
// Error(kNotFound) in offline mode when the cache lacks the model.
std::string ensure_model_folder(const ModelReference& reference, const HubOptions& options);

// resolve_model_name + ensure_model_folder.
std::string ensure_model_folder(const std::string& clip_model, const HubOptions& options);

}  // namespace clipret::hub
