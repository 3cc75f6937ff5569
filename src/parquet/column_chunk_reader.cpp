#include "parquet/column_chunk_reader.h"

#include <algorithm>
#include <cstring>

#include "core/error.h"
#include "core/random_access_file.h"
#include "parquet/compression.h"
#include "parquet/file_metadata.h"
#include "parquet/file_schema.h"
#include "parquet/page_header.h"
#include "parquet/page_values_decoder.h"
#include "parquet/plain_decoder.h"
#include "parquet/rle_decoder.h"
#include "parquet/thrift_compact_reader.h"

namespace clipret::parquet {

namespace {

constexpr int64_t kMagicBytes = 4;
constexpr int32_t kLastCodec = static_cast<int32_t>(Compression::kLz4Raw);
constexpr uint64_t kMaxTrustedRatio = 32;  // uncompressed / compressed, for reservations only

// Spreads the `non_null` values appended after `old` over `n` slots, leaving zero values where
// levels[i] == 0. Walks backwards so that it works in place.
template <typename T>
void scatter(std::vector<T>* values, size_t old, const uint32_t* levels, size_t n,
             size_t non_null) {
  values->resize(old + n);
  T* v = values->data() + old;
  size_t src = non_null;
  for (size_t i = n; i-- > 0;) v[i] = levels[i] ? v[--src] : T{};
}

void scatter_offsets(std::vector<uint64_t>* offsets, size_t old, const uint32_t* levels, size_t n,
                     size_t non_null) {
  // offsets[old] is the start of the page; entries old+1.. are the ends of the values.
  offsets->resize(old + 1 + n);
  uint64_t* ends = offsets->data() + old + 1;
  size_t src = non_null;
  for (size_t i = n; i-- > 0;) {
    if (levels[i]) {
      ends[i] = ends[--src];
    } else {
      ends[i] = src == 0 ? (*offsets)[old] : ends[src - 1];
    }
  }
}

void scatter_nulls(Column* out, size_t old, const uint32_t* levels, size_t n, size_t non_null) {
  ColumnData& d = out->data();
  switch (out->physical()) {
    case PhysicalType::kBoolean:
      return scatter(&d.bools, old, levels, n, non_null);
    case PhysicalType::kInt32:
      return scatter(&d.int32s, old, levels, n, non_null);
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      return scatter(&d.int64s, old, levels, n, non_null);
    case PhysicalType::kFloat:
      return scatter(&d.floats, old, levels, n, non_null);
    case PhysicalType::kDouble:
      return scatter(&d.doubles, old, levels, n, non_null);
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return scatter_offsets(&d.offsets, old, levels, n, non_null);
  }
}

class ChunkDecoder {
 public:
  ChunkDecoder(const LeafColumn& column, Compression codec, uint64_t num_rows,
               const ChunkLimits& limits, const std::string& context, ChunkScratch* scratch,
               Column* out)
      : column_(column),
        codec_(codec),
        num_rows_(num_rows),
        limits_(limits),
        context_(context),
        scratch_(scratch),
        out_(out) {}

  // Decodes the pages in [data, data + size) until num_rows rows are read.
  void decode(const uint8_t* data, size_t size) {
    size_t pos = 0;
    while (rows_read_ < num_rows_) {
      CLIPRET_CHECK(pos < size, Corrupt, "%s: column chunk ends after %llu of %llu rows",
                    context_.c_str(), static_cast<unsigned long long>(rows_read_),
                    static_cast<unsigned long long>(num_rows_));
      page_context_ = context_ + string_printf(", page at chunk byte %zu", pos);
      ThriftCompactReader reader(data + pos, size - pos, page_context_ + " header");
      const PageHeader header = parse_page_header(reader);
      pos += reader.position();
      CLIPRET_CHECK(header.compressed_page_size >= 0 &&
                        static_cast<size_t>(header.compressed_page_size) <= size - pos,
                    Corrupt, "%s: compressed size %d runs past the column chunk (%zu bytes left)",
                    page_context_.c_str(), header.compressed_page_size, size - pos);
      CLIPRET_CHECK(
          header.uncompressed_page_size >= 0 &&
              static_cast<uint64_t>(header.uncompressed_page_size) <= limits_.max_page_bytes,
          Corrupt, "%s: uncompressed size %d is negative or over the limit", page_context_.c_str(),
          header.uncompressed_page_size);
      const uint8_t* page = data + pos;
      pos += static_cast<size_t>(header.compressed_page_size);
      switch (static_cast<PageType>(header.type)) {
        case PageType::kDictionaryPage:
          read_dictionary(header, page);
          break;
        case PageType::kDataPage:
          read_data_page_v1(header, page);
          break;
        case PageType::kDataPageV2:
          read_data_page_v2(header, page);
          break;
        default:
          break;  // index pages and unknown kinds carry no rows
      }
    }
  }

 private:
  // Decompresses `n` bytes at `src` into `size` bytes; returns where they are.
  const uint8_t* inflate(const uint8_t* src, size_t n, size_t size, bool compressed) {
    if (!compressed || codec_ == Compression::kUncompressed) {
      CLIPRET_CHECK(n == size, Corrupt, "%s: uncompressed page of %zu bytes states %zu",
                    page_context_.c_str(), n, size);
      return src;
    }
    scratch_->page.resize(size);
    decompress(codec_, src, n, scratch_->page.data(), size, page_context_);
    return scratch_->page.data();
  }

  void read_dictionary(const PageHeader& h, const uint8_t* page) {
    CLIPRET_CHECK(h.has_dictionary_header, Corrupt, "%s: dictionary page without its header",
                  page_context_.c_str());
    CLIPRET_CHECK(!dictionary_read_ && rows_read_ == 0, Corrupt,
                  "%s: a second or late dictionary page", page_context_.c_str());
    CLIPRET_CHECK(h.encoding == static_cast<int32_t>(Encoding::kPlain) ||
                      h.encoding == static_cast<int32_t>(Encoding::kPlainDictionary),
                  Unsupported, "%s: dictionary page encoding %d", page_context_.c_str(),
                  h.encoding);
    CLIPRET_CHECK(h.num_values >= 0, Corrupt, "%s: negative dictionary size",
                  page_context_.c_str());
    const size_t size = static_cast<size_t>(h.uncompressed_page_size);
    const uint8_t* values = inflate(page, static_cast<size_t>(h.compressed_page_size), size, true);
    decode_plain(values, size, static_cast<size_t>(h.num_values), column_.file_physical,
                 column_.type_length, &dictionary_, page_context_);
    dictionary_size_ = static_cast<size_t>(h.num_values);
    dictionary_read_ = true;
  }

  void check_value_count(int32_t num_values) {
    CLIPRET_CHECK(num_values >= 0 && static_cast<uint64_t>(num_values) <= num_rows_ - rows_read_,
                  Corrupt, "%s: page holds %d values but only %llu rows remain",
                  page_context_.c_str(), num_values,
                  static_cast<unsigned long long>(num_rows_ - rows_read_));
  }

  // Decodes `n` definition levels (bit width 1) from the hybrid data; returns the non-nulls.
  size_t decode_levels(const uint8_t* data, size_t size, size_t n) {
    scratch_->levels.resize(n);
    RleDecoder decoder(data, size, 1, page_context_);
    decoder.decode(scratch_->levels.data(), n);
    size_t non_null = 0;
    for (size_t i = 0; i < n; ++i) {
      CLIPRET_CHECK(scratch_->levels[i] <= 1, Corrupt, "%s: definition level %u above 1",
                    page_context_.c_str(), scratch_->levels[i]);
      non_null += scratch_->levels[i];
    }
    return non_null;
  }

  void read_data_page_v1(const PageHeader& h, const uint8_t* page) {
    CLIPRET_CHECK(h.has_data_header, Corrupt, "%s: data page without its header",
                  page_context_.c_str());
    check_value_count(h.num_values);
    const size_t size = static_cast<size_t>(h.uncompressed_page_size);
    const uint8_t* data = inflate(page, static_cast<size_t>(h.compressed_page_size), size, true);
    const size_t n = static_cast<size_t>(h.num_values);
    size_t pos = 0;
    size_t non_null = n;
    if (column_.schema.optional) {
      CLIPRET_CHECK(h.definition_level_encoding == static_cast<int32_t>(Encoding::kRle),
                    Unsupported, "%s: definition level encoding %d", page_context_.c_str(),
                    h.definition_level_encoding);
      CLIPRET_CHECK(size >= 4, Corrupt, "%s: page too short for its definition levels",
                    page_context_.c_str());
      uint32_t length;
      std::memcpy(&length, data, sizeof(length));
      CLIPRET_CHECK(length <= size - 4, Corrupt, "%s: definition levels of %u bytes past the page",
                    page_context_.c_str(), length);
      non_null = decode_levels(data + 4, length, n);
      pos = 4 + length;
    }
    append_values(h.encoding, data + pos, size - pos, n, non_null);
  }

  void read_data_page_v2(const PageHeader& h, const uint8_t* page) {
    CLIPRET_CHECK(h.has_data_header_v2, Corrupt, "%s: data page v2 without its header",
                  page_context_.c_str());
    check_value_count(h.num_values);
    const size_t compressed = static_cast<size_t>(h.compressed_page_size);
    CLIPRET_CHECK(
        h.repetition_levels_byte_length >= 0 && h.definition_levels_byte_length >= 0 &&
            static_cast<uint64_t>(h.repetition_levels_byte_length) +
                    static_cast<uint64_t>(h.definition_levels_byte_length) <=
                std::min<uint64_t>(compressed, static_cast<uint64_t>(h.uncompressed_page_size)),
        Corrupt, "%s: level lengths run past the page", page_context_.c_str());
    const size_t levels_bytes = static_cast<size_t>(h.repetition_levels_byte_length) +
                                static_cast<size_t>(h.definition_levels_byte_length);
    const size_t n = static_cast<size_t>(h.num_values);
    size_t non_null = n;
    if (column_.schema.optional) {
      non_null = decode_levels(page + h.repetition_levels_byte_length,
                               static_cast<size_t>(h.definition_levels_byte_length), n);
    }
    const size_t size = static_cast<size_t>(h.uncompressed_page_size) - levels_bytes;
    const uint8_t* data =
        inflate(page + levels_bytes, compressed - levels_bytes, size, h.is_compressed);
    append_values(h.encoding, data, size, n, non_null);
  }

  void append_values(int32_t encoding, const uint8_t* data, size_t size, size_t n,
                     size_t non_null) {
    ValuesContext values{
        column_.file_physical, column_.type_length,      dictionary_read_ ? &dictionary_ : nullptr,
        dictionary_size_,      limits_.max_string_bytes, &scratch_->indices};
    const size_t old = out_->size();
    decode_page_values(encoding, data, size, non_null, values, &out_->data(), page_context_);
    if (non_null < n) {
      out_->materialize_validity();
      scatter_nulls(out_, old, scratch_->levels.data(), n, non_null);
      std::vector<uint8_t>& validity = out_->data().validity;
      for (size_t i = 0; i < n; ++i) validity.push_back(static_cast<uint8_t>(scratch_->levels[i]));
    } else if (!out_->data().validity.empty()) {
      out_->data().validity.insert(out_->data().validity.end(), n, 1);
    }
    out_->commit_rows(n);
    rows_read_ += n;
  }

  const LeafColumn& column_;
  Compression codec_;
  uint64_t num_rows_;
  const ChunkLimits& limits_;
  const std::string& context_;
  ChunkScratch* scratch_;
  Column* out_;
  std::string page_context_;
  uint64_t rows_read_ = 0;
  bool dictionary_read_ = false;
  ColumnData dictionary_;
  size_t dictionary_size_ = 0;
};

}  // namespace

void read_column_chunk(const core::RandomAccessFile& file, uint64_t data_end,
                       const ColumnChunk& chunk, const LeafColumn& column, uint64_t num_rows,
                       const ChunkLimits& limits, const std::string& context, ChunkScratch* scratch,
                       Column* out) {
  CLIPRET_CHECK(chunk.file_path.empty(), Unsupported,
                "%s: column data in another file ('%s') is not supported", context.c_str(),
                chunk.file_path.c_str());
  CLIPRET_CHECK(chunk.meta_data.has_value(), Corrupt, "%s: column chunk without metadata",
                context.c_str());
  const ColumnMetaData& meta = *chunk.meta_data;
  CLIPRET_CHECK(meta.type == static_cast<int32_t>(column.file_physical), Corrupt,
                "%s: chunk type %d differs from the schema's %s", context.c_str(), meta.type,
                physical_type_name(column.file_physical));
  CLIPRET_CHECK(meta.codec >= 0 && meta.codec <= kLastCodec, Unsupported,
                "%s: unknown compression codec %d", context.c_str(), meta.codec);
  CLIPRET_CHECK(num_rows <= limits.max_rows, Corrupt,
                "%s: row group of %llu rows is over the limit of %llu", context.c_str(),
                static_cast<unsigned long long>(num_rows),
                static_cast<unsigned long long>(limits.max_rows));
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset >= kMagicBytes &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const int64_t length = meta.total_compressed_size;
  CLIPRET_CHECK(start >= kMagicBytes && length >= 0 && static_cast<uint64_t>(start) <= data_end &&
                    static_cast<uint64_t>(length) <= data_end - static_cast<uint64_t>(start),
                Corrupt,
                "%s: column chunk [%lld, +%lld) lies outside the data section (%llu bytes)",
                context.c_str(), static_cast<long long>(start), static_cast<long long>(length),
                static_cast<unsigned long long>(data_end));
  scratch->chunk.resize(static_cast<size_t>(length));
  file.read_at(static_cast<uint64_t>(start), static_cast<size_t>(length), scratch->chunk.data());
  // Reserve for the stated rows, but no more than the chunk's bytes could plausibly describe.
  out->reserve(static_cast<size_t>(std::min<uint64_t>(num_rows, uint64_t{1} << 24)));
  if (column.file_physical == PhysicalType::kByteArray ||
      column.file_physical == PhysicalType::kFixedLenByteArray) {
    // One allocation for the chunk's strings instead of doubling page by page. The stated size
    // may lie, so trust it only up to a plausible compression ratio.
    const uint64_t stated =
        static_cast<uint64_t>(std::max<int64_t>(meta.total_uncompressed_size, 0));
    const uint64_t plausible = std::min(
        {stated, static_cast<uint64_t>(length) * kMaxTrustedRatio, limits.max_string_bytes});
    reserve_more(out->data().bytes, static_cast<size_t>(plausible));
  }
  ChunkDecoder decoder(column, static_cast<Compression>(meta.codec), num_rows, limits, context,
                       scratch, out);
  decoder.decode(scratch->chunk.data(), scratch->chunk.size());
}

}  // namespace clipret::parquet
