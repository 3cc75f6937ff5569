// data/sample_key.h: how a webdataset member path splits into a sample key and an extension.
//
// Webdataset convention (webdataset's `base_plus_ext`): the key is the path up to the first dot
// of the basename, the extension everything after it, lower-cased for lookup:
//   "dir/000123.jpg" -> key "dir/000123", ext "jpg";  "a.b.c/x.seg.PNG" -> "a.b.c/x", "seg.png".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clipret::data {

struct MemberName {
  std::string key;        // path up to the first dot of the basename
  std::string extension;  // after that dot, lower-case ASCII; never empty
};

// Splits a member path. Returns nullopt for members that are not part of a sample, which
// webdataset skips too: no dot in the basename or nothing after it ("README", "x."), a
// basename starting with '.' (hidden files, macOS "._x.jpg" resource forks), and top-level
// "__name__" metadata entries.
std::optional<MemberName> split_member_name(std::string_view path);

}  // namespace clipret::data
