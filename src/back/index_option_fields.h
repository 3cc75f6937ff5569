// back/index_option_fields.h: the per-index options of `clip-retrieval back` (spec §3.1, §3.2),
// declared once. Each row names a field of search::IndexOptions; the CLI binds one option per
// row (defaults from IndexOptions' declarations) and indices_paths.json entries may override any
// row's field. Rows are in the CLI's declaration order, which fills bare words (fire's rule).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "search/service_loader.h"

namespace clipret::back {

enum class IndexFieldKind {
  kString,      // JSON string; CLI `str`
  kPath,        // as kString, but the CLI shows the empty default as None and maps None to empty
  kBool,        // JSON true/false; CLI `bool`
  kStringList,  // JSON list of strings or null (empty); CLI `str|list`, empty default shown `[]`
};

struct IndexOptionField {
  const char* name;  // the option name, on the command line and in indices_paths.json
  IndexFieldKind kind;
  // The member for `kind`; the other two are null. kString and kPath use `text`.
  std::string search::IndexOptions::*text = nullptr;
  bool search::IndexOptions::*flag = nullptr;
  std::vector<std::string> search::IndexOptions::*list = nullptr;
  const char* help;  // --help text
};

// Every per-index option, in command-line order.
std::span<const IndexOptionField> index_option_fields();

}  // namespace clipret::back
