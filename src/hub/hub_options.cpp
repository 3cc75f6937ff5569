#include "hub/hub_options.h"

#include <cstdlib>

namespace clipret::hub {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

HubOptions hub_options_from_environment(const std::optional<std::string>& clip_cache_path) {
  HubOptions options;
  if (const std::string endpoint = env("HF_ENDPOINT"); !endpoint.empty()) {
    options.endpoint = endpoint;
    while (!options.endpoint.empty() && options.endpoint.back() == '/') options.endpoint.pop_back();
  }
  options.token = env("HF_TOKEN");
  const std::string offline = env("HF_HUB_OFFLINE");
  options.offline = !offline.empty() && offline != "0" && offline != "false" && offline != "False";
  if (clip_cache_path && !clip_cache_path->empty()) {
    options.cache_dir = *clip_cache_path;
  } else {
    const std::string home = env("HOME");
    options.cache_dir = (home.empty() ? std::string("/tmp") : home) + "/.cache/clip_retrieval";
  }
  return options;
}

}  // namespace clipret::hub
