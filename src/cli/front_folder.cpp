#include "cli/front_folder.h"

#include <filesystem>

namespace clipret::cli {

std::string default_front_folder() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path installed =
      ec ? fs::path() : (exe.parent_path() / ".." / "share" / "clip-retrieval" / "front");
  for (const fs::path& candidate : {installed, fs::path(CLIPRET_SOURCE_FRONT_DIR)}) {
    if (!candidate.empty() && fs::is_regular_file(candidate / "index.html", ec)) {
      return candidate.lexically_normal().string();
    }
  }
  return installed.lexically_normal().string();
}

}  // namespace clipret::cli
