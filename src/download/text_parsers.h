// download/text_parsers.h: the txt, csv and tsv url lists, row by row.
//
// They follow pyarrow's CSV reader (img2dataset's parser), with these choices:
// - empty lines are skipped (pyarrow's ignore_empty_lines); "\n", "\r\n" and a lone "\r" end a
//   line; a UTF-8 byte order mark at the start is dropped;
// - an empty CSV field is an empty string, not null (pyarrow's strings_can_be_null=False); all
//   values stay strings, as the header promises (pyarrow would infer numbers: a deliberate
//   difference, since urls and captions are strings either way);
// - quoted fields may hold delimiters, doubled quotes and newlines (pyarrow refuses newlines in
//   values by default; accepting them loses nothing); a quote anywhere in a field opens a quoted
//   section, as in pyarrow;
// - txt lines are urls taken verbatim: img2dataset parses them as one-column CSV, so a url with a
//   comma or a quote fails or changes there (quirk, notes §2); here it is kept as written.
// Values must be UTF-8 (Error(kInvalidInput) naming file, line and field otherwise).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "download/row_parser.h"

namespace clipret::download {

// txt: one url a line, into the single field of each row.
std::unique_ptr<RowParser> make_txt_parser(const std::string& path, bool gzip);

// csv (delimiter ',') and tsv ('\t'): RFC 4180 records under a header row; `wanted` names the
// header's columns to return, in that order. Throws Error(kInvalidInput) for an empty file or a
// wanted column missing from the header; rows whose field count differs from the header's fail
// when read.
std::unique_ptr<RowParser> make_delimited_parser(const std::string& path, bool gzip, char delimiter,
                                                 const std::vector<std::string>& wanted);

}  // namespace clipret::download
