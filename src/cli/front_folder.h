// cli/front_folder.h: where `back` and `front` find the built web front when --front_folder is
// not given.
#pragma once

#include <string>

namespace clipret::cli {

// The first folder holding an index.html of: <binary's folder>/../share/clip-retrieval/front
// (where `cmake --install` puts it), the source tree's front/dist (a binary run from its build
// folder). None found: the installed location, which the servers then report as missing.
std::string default_front_folder();

}  // namespace clipret::cli
