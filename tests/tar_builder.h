// tests/tar_builder.h: builds tar shards in memory with libarchive's writer, for tests.
#pragma once

#include <string>
#include <vector>

namespace clipret::testing {

struct TarMember {
  enum class Type { kFile, kDirectory, kSymlink };
  std::string path;
  std::string data;  // file content, or the link target for kSymlink
  Type type = Type::kFile;
};

enum class TarCompression { kNone, kGzip };

// A ustar/pax tar holding `members` in order.
std::string make_tar(const std::vector<TarMember>& members,
                     TarCompression compression = TarCompression::kNone);

}  // namespace clipret::testing
