// tests/tiny_model.h: the fixture CLIP (clip_tiny_hf) as a complete local model folder.
//
// The fixture holds weights and config only; a model folder also carries its tokenizer, so the
// folder made here links both, as a downloaded Hugging Face repository would hold them.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.h"

namespace clipret::testing {

// Creates <dir>/tiny_clip with links to the fixture files; returns its path.
inline std::string make_tiny_model_folder(const TempDir& dir) {
  namespace fs = std::filesystem;
  const fs::path folder = dir.path() / "tiny_clip";
  fs::create_directories(folder);
  for (const char* file : {"config.json", "model.safetensors"}) {
    fs::create_symlink(fixture_path(std::string("clip_tiny_hf/") + file), folder / file);
  }
  for (const char* file : {"vocab.json", "merges.txt"}) {
    fs::create_symlink(fixture_path(std::string("tokenizer/") + file), folder / file);
  }
  return folder.string();
}

// The preprocess fixture images (jpg, png, webp of various sizes and modes), sorted.
inline std::vector<std::string> fixture_images() {
  namespace fs = std::filesystem;
  std::vector<std::string> images;
  for (const auto& entry : fs::directory_iterator(fixture_path("preprocess"))) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".jpg" || ext == ".png" || ext == ".webp") images.push_back(entry.path().string());
  }
  std::sort(images.begin(), images.end());
  return images;
}

}  // namespace clipret::testing
