// core/utf8_validate.h: is a byte string well-formed UTF-8?
//
// Captions and metadata must be valid UTF-8 to be written to Parquet strings; a sample that is
// not is skipped and counted (spec §1.5 decodes with Python's strict UTF-8, which raises).
#pragma once

#include <string_view>

namespace clipret::core {

// True for well-formed UTF-8 (no overlongs, surrogates, values above U+10FFFF or truncation).
bool is_valid_utf8(std::string_view bytes);

}  // namespace clipret::core
