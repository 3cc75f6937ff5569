#include "download/input_bytes.h"

#include <zlib.h>

#include "core/error.h"
#include "core/stream.h"
#include "core/utf8_validate.h"

namespace clipret::download {
namespace {

constexpr size_t kReadChunk = size_t{1} << 16;
constexpr int kGzipWindowBits = 15 + 16;  // max window, gzip header expected

}  // namespace

struct ByteSource::Gunzip {
  std::string raw;  // compressed input
  z_stream z{};
  bool in_member = true;
};

ByteSource::ByteSource(const std::string& path, bool gzip)
    : stream_(core::open_input_stream(path)), buffer_(kReadChunk, '\0') {
  if (!gzip) return;
  gunzip_ = std::make_unique<Gunzip>();
  gunzip_->raw.resize(kReadChunk);
  CLIPRET_CHECK(inflateInit2(&gunzip_->z, kGzipWindowBits) == Z_OK, Internal,
                "%s: inflateInit2 failed", path.c_str());
}

ByteSource::~ByteSource() {
  if (gunzip_) inflateEnd(&gunzip_->z);
}

const std::string& ByteSource::name() const {
  return stream_->name();
}

void ByteSource::skip_utf8_bom() {
  static constexpr char kBom[] = "\xEF\xBB\xBF";
  if ((pos_ < len_ || refill()) && len_ - pos_ >= 3 && buffer_.compare(pos_, 3, kBom) == 0) {
    pos_ += 3;
  }
}

bool ByteSource::refill() {
  pos_ = len_ = 0;
  if (!gunzip_) {
    len_ = stream_->read(buffer_.data(), buffer_.size());
    return len_ > 0;
  }
  z_stream& z = gunzip_->z;
  while (len_ == 0) {
    if (z.avail_in == 0) {
      const size_t n = stream_->read(gunzip_->raw.data(), gunzip_->raw.size());
      if (n == 0) {
        // An empty file reads as empty, as Python's gzip module has it.
        CLIPRET_CHECK(!gunzip_->in_member || z.total_in == 0, Corrupt, "%s: truncated gzip data",
                      name().c_str());
        return false;
      }
      z.next_in = reinterpret_cast<Bytef*>(gunzip_->raw.data());
      z.avail_in = static_cast<uInt>(n);
    }
    if (!gunzip_->in_member) {  // another member follows (what `cat a.gz b.gz` produces)
      CLIPRET_CHECK(inflateReset(&z) == Z_OK, Internal, "%s: inflateReset failed", name().c_str());
      gunzip_->in_member = true;
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer_.data());
    z.avail_out = static_cast<uInt>(buffer_.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    CLIPRET_CHECK(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR, Corrupt,
                  "%s: damaged gzip data (%s)", name().c_str(), z.msg ? z.msg : "inflate");
    if (rc == Z_STREAM_END) gunzip_->in_member = false;
    len_ = buffer_.size() - z.avail_out;
  }
  return true;
}

bool LineCursor::next_line(std::string& out) {
  for (;;) {
    out.clear();
    line_ = position_;
    int c = bytes_.get();
    for (; c >= 0 && !end_of_line(c); c = bytes_.get()) {
      CLIPRET_CHECK(out.size() < kMaxRecordBytes, InvalidInput,
                    "%s, line %lld: line longer than %zu bytes", name().c_str(),
                    static_cast<long long>(line_), kMaxRecordBytes);
      out.push_back(static_cast<char>(c));
    }
    if (!out.empty()) return true;
    if (c < 0) return false;
  }
}

void LineCursor::check_utf8(std::string_view value, const char* what) const {
  CLIPRET_CHECK(core::is_valid_utf8(value), InvalidInput, "%s, line %lld: %s is not valid UTF-8",
                name().c_str(), static_cast<long long>(line_), what);
}

}  // namespace clipret::download
