#include "parquet/compression.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <cstring>

#include "core/error.h"

namespace clipret::parquet {

namespace {

void check_size(bool ok, const char* codec, const std::string& context) {
  CLIPRET_CHECK(ok, Corrupt, "%s: %s data does not decompress to the page's stated size",
                context.c_str(), codec);
}

void gunzip(const uint8_t* src, size_t n, uint8_t* out, size_t out_size,
            const std::string& context) {
  // Page sizes are int32 in the format, so one call covers them.
  CLIPRET_CHECK(n <= UINT_MAX && out_size <= UINT_MAX, Corrupt, "%s: GZIP page too large",
                context.c_str());
  z_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  // 15 + 32: a window of 2^15 with automatic gzip or zlib header detection.
  CLIPRET_CHECK(inflateInit2(&stream, 15 + 32) == Z_OK, Internal, "inflateInit2 failed");
  stream.next_in = const_cast<Bytef*>(src);
  stream.avail_in = static_cast<uInt>(n);
  stream.next_out = out;
  stream.avail_out = static_cast<uInt>(out_size);
  int rc;
  while (true) {
    rc = inflate(&stream, Z_NO_FLUSH);
    // Concatenated gzip members: start over while input and room remain.
    if (rc == Z_STREAM_END && stream.avail_in > 0 && stream.avail_out > 0 &&
        inflateReset(&stream) == Z_OK) {
      continue;
    }
    break;
  }
  const size_t out_done = out_size - stream.avail_out;
  inflateEnd(&stream);
  CLIPRET_CHECK(rc == Z_STREAM_END || (rc == Z_OK && out_done == out_size), Corrupt,
                "%s: invalid GZIP data", context.c_str());
  check_size(out_done == out_size, "GZIP", context);
}

void gzip(const uint8_t* src, size_t n, std::string* out, int level) {
  z_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  // 15 + 16: a gzip header, as other Parquet writers produce.
  CLIPRET_CHECK(deflateInit2(&stream, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED,
                             15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK,
                Internal, "deflateInit2 failed");
  const size_t start = out->size();
  const size_t bound = deflateBound(&stream, static_cast<uLong>(n));
  out->resize(start + bound);
  stream.next_in = const_cast<Bytef*>(src);
  stream.avail_in = static_cast<uInt>(n);
  stream.next_out = reinterpret_cast<Bytef*>(out->data() + start);
  stream.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&stream, Z_FINISH);
  const size_t written = bound - stream.avail_out;
  deflateEnd(&stream);
  CLIPRET_CHECK(rc == Z_STREAM_END, Internal, "deflate failed (%d)", rc);
  out->resize(start + written);
}

// Hadoop's LZ4 framing: blocks of [u32 BE raw size][u32 BE compressed size][LZ4 block].
bool try_hadoop_lz4(const uint8_t* src, size_t n, uint8_t* out, size_t out_size) {
  size_t in = 0, done = 0;
  auto be32 = [&](size_t at) {
    return (uint32_t{src[at]} << 24) | (uint32_t{src[at + 1]} << 16) |
           (uint32_t{src[at + 2]} << 8) | uint32_t{src[at + 3]};
  };
  while (in < n) {
    if (n - in < 8) return false;
    const uint32_t raw = be32(in), compressed = be32(in + 4);
    in += 8;
    if (compressed > n - in || raw > out_size - done || compressed > INT_MAX) return false;
    const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(src + in),
                                        reinterpret_cast<char*>(out + done),
                                        static_cast<int>(compressed), static_cast<int>(raw));
    if (got < 0 || static_cast<uint32_t>(got) != raw) return false;
    in += compressed;
    done += raw;
  }
  return done == out_size;
}

bool lz4_raw(const uint8_t* src, size_t n, uint8_t* out, size_t out_size) {
  if (n > INT_MAX || out_size > INT_MAX) return false;
  const int got =
      LZ4_decompress_safe(reinterpret_cast<const char*>(src), reinterpret_cast<char*>(out),
                          static_cast<int>(n), static_cast<int>(out_size));
  return got >= 0 && static_cast<size_t>(got) == out_size;
}

}  // namespace

void decompress(Compression codec, const uint8_t* src, size_t n, uint8_t* out, size_t out_size,
                const std::string& context) {
  const char* in = reinterpret_cast<const char*>(src);
  switch (codec) {
    case Compression::kUncompressed:
      check_size(n == out_size, "uncompressed", context);
      if (n > 0) std::memcpy(out, src, n);
      return;
    case Compression::kSnappy: {
      size_t length = 0;
      CLIPRET_CHECK(snappy::GetUncompressedLength(in, n, &length), Corrupt,
                    "%s: invalid SNAPPY data", context.c_str());
      check_size(length == out_size, "SNAPPY", context);
      CLIPRET_CHECK(snappy::RawUncompress(in, n, reinterpret_cast<char*>(out)), Corrupt,
                    "%s: invalid SNAPPY data", context.c_str());
      return;
    }
    case Compression::kGzip:
      gunzip(src, n, out, out_size, context);
      return;
    case Compression::kZstd: {
      const size_t got = ZSTD_decompress(out, out_size, src, n);
      CLIPRET_CHECK(!ZSTD_isError(got), Corrupt, "%s: invalid ZSTD data (%s)", context.c_str(),
                    ZSTD_getErrorName(got));
      check_size(got == out_size, "ZSTD", context);
      return;
    }
    case Compression::kLz4Raw:
      CLIPRET_CHECK(lz4_raw(src, n, out, out_size), Corrupt, "%s: invalid LZ4_RAW data",
                    context.c_str());
      return;
    case Compression::kLz4:
      // Writers disagreed on this codec's framing: try Hadoop's, then a raw block.
      CLIPRET_CHECK(try_hadoop_lz4(src, n, out, out_size) || lz4_raw(src, n, out, out_size),
                    Corrupt, "%s: invalid LZ4 data", context.c_str());
      return;
    case Compression::kLzo:
    case Compression::kBrotli:
      break;
  }
  CLIPRET_THROW(Unsupported, "%s: compression codec %s is not supported", context.c_str(),
                compression_name(codec));
}

void compress(Compression codec, const uint8_t* src, size_t n, std::string* out, int level) {
  const char* in = reinterpret_cast<const char*>(src);
  const size_t start = out->size();
  switch (codec) {
    case Compression::kUncompressed:
      out->append(in, n);
      return;
    case Compression::kSnappy: {
      out->resize(start + snappy::MaxCompressedLength(n));
      size_t written = 0;
      snappy::RawCompress(in, n, out->data() + start, &written);
      out->resize(start + written);
      return;
    }
    case Compression::kGzip:
      gzip(src, n, out, level);
      return;
    case Compression::kZstd: {
      const size_t bound = ZSTD_compressBound(n);
      out->resize(start + bound);
      const size_t written =
          ZSTD_compress(out->data() + start, bound, src, n, level == 0 ? 3 : level);
      CLIPRET_CHECK(!ZSTD_isError(written), Internal, "ZSTD_compress failed: %s",
                    ZSTD_getErrorName(written));
      out->resize(start + written);
      return;
    }
    case Compression::kLz4Raw: {
      CLIPRET_CHECK(n <= static_cast<size_t>(LZ4_MAX_INPUT_SIZE), InvalidInput,
                    "page of %zu bytes too large for LZ4", n);
      const int bound = LZ4_compressBound(static_cast<int>(n));
      out->resize(start + static_cast<size_t>(bound));
      const int written = LZ4_compress_default(in, out->data() + start, static_cast<int>(n), bound);
      CLIPRET_CHECK(written > 0, Internal, "LZ4_compress_default failed");
      out->resize(start + static_cast<size_t>(written));
      return;
    }
    case Compression::kLz4:
    case Compression::kLzo:
    case Compression::kBrotli:
      break;
  }
  CLIPRET_THROW(Unsupported, "writing compression codec %s is not supported",
                compression_name(codec));
}

}  // namespace clipret::parquet
