#include "text/gunzip.h"

#include <zlib.h>

#include <climits>

#include "core/error.h"

namespace clipret::text {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // max window, gzip header expected
constexpr size_t kChunk = size_t{1} << 16;

// Owns an initialised inflate stream.
class Inflater {
 public:
  explicit Inflater(std::string_view name) {
    const int rc = inflateInit2(&stream_, kGzipWindowBits);
    CLIPRET_CHECK(rc == Z_OK, Internal, "%.*s: inflateInit2 failed (%d)",
                  static_cast<int>(name.size()), name.data(), rc);
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  z_stream& stream() { return stream_; }

 private:
  z_stream stream_{};
};

}  // namespace

std::string gunzip(std::string_view name, std::string_view compressed, size_t max_output) {
  const int name_len = static_cast<int>(name.size());
  CLIPRET_CHECK(compressed.size() <= UINT_MAX, InvalidInput, "%.*s: gzip input too large", name_len,
                name.data());
  CLIPRET_CHECK(!compressed.empty(), Corrupt, "%.*s: empty gzip file", name_len, name.data());
  Inflater inflater(name);
  z_stream& z = inflater.stream();
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  for (;;) {
    const size_t old_size = out.size();
    CLIPRET_CHECK(old_size < max_output, InvalidInput,
                  "%.*s: decompressed size exceeds the limit of %zu bytes", name_len, name.data(),
                  max_output);
    out.resize(old_size + kChunk);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
    z.avail_out = static_cast<uInt>(kChunk);
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.resize(old_size + kChunk - z.avail_out);
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      // Another gzip member follows (what `cat a.gz b.gz` produces).
      CLIPRET_CHECK(inflateReset(&z) == Z_OK, Internal, "%.*s: inflateReset failed", name_len,
                    name.data());
      continue;
    }
    CLIPRET_CHECK(rc == Z_OK || rc == Z_BUF_ERROR, Corrupt, "%.*s: corrupt gzip data (%s)",
                  name_len, name.data(), z.msg != nullptr ? z.msg : "zlib error");
    CLIPRET_CHECK(!(rc == Z_BUF_ERROR && z.avail_in == 0), Corrupt, "%.*s: truncated gzip data",
                  name_len, name.data());
  }
  return out;
}

}  // namespace clipret::text
