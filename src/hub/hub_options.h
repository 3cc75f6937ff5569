// hub/hub_options.h: where models come from and where they are kept.
#pragma once

#include <optional>
#include <string>

namespace clipret::hub {

struct HubOptions {
  // Base URL of the model hub; files are fetched from <endpoint>/<repo>/resolve/<revision>/<file>.
  std::string endpoint = "https://huggingface.co";
  // Folder holding downloaded models (one sub-folder per repository and revision).
  std::string cache_dir;
  // Bearer token for gated or private repositories (empty: none).
  std::string token;
  // Never touch the network: use what the cache holds or fail with a clear error.
  bool offline = false;
  // Seconds without progress before a download is abandoned (it resumes on the next run).
  long stall_timeout_seconds = 60;
  // Show a progress bar for each file.
  bool show_progress = true;
};

// The one place that reads the environment (STYLE.md §2.10): HF_ENDPOINT, HF_TOKEN,
// HF_HUB_OFFLINE, HOME. `clip_cache_path` is the command's --clip_cache_path (None: the default
// ~/.cache/clip_retrieval).
HubOptions hub_options_from_environment(const std::optional<std::string>& clip_cache_path);

}  // namespace clipret::hub
