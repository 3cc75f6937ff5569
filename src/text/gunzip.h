// text/gunzip.h: in-memory gzip decompression (zlib), for `bpe_simple_vocab_16e6.txt.gz`.
#pragma once

#include <string>
#include <string_view>

namespace clipret::text {

// Decompresses a whole gzip file (concatenated members included). `name` is used in messages.
// Throws Error(kCorrupt) on a damaged or truncated stream, Error(kInvalidInput) when the output
// would exceed `max_output` bytes.
std::string gunzip(std::string_view name, std::string_view compressed,
                   size_t max_output = size_t{1} << 30);

}  // namespace clipret::text
