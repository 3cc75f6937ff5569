#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

std::string fuzz_temp_file(const char* tag, const uint8_t* data, size_t size) {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::is_directory("/dev/shm", ec)
                                        ? std::filesystem::path("/dev/shm")
                                        : std::filesystem::temp_directory_path();
  const std::string path =
      (dir / ("clipret_fuzz_" + std::to_string(getpid()) + "_" + tag)).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) throw std::runtime_error("cannot write the fuzz input to " + path);
  return path;
}

}  // namespace clipret::fuzz
