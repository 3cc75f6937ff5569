#include "parquet/column_chunk_writer.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "parquet/bit_packing.h"
#include "parquet/column.h"
#include "parquet/compression.h"
#include "parquet/dictionary_encoder.h"
#include "parquet/file_metadata.h"
#include "parquet/page_header.h"
#include "parquet/plain_encoder.h"
#include "parquet/rle_decoder.h"
#include "parquet/statistics.h"

namespace clipret::parquet {

namespace {

constexpr uint64_t kMaxPageBytes = uint64_t{1} << 31;  // page sizes are int32 in the header

size_t fixed_width(const Column& column) {
  switch (column.physical()) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kFixedLenByteArray:
      return static_cast<size_t>(std::max(1, column.type().type_length));
    default:
      return 0;
  }
}

// PLAIN size of the non-null values in [begin, end).
uint64_t plain_bytes(const Column& column, size_t begin, size_t end, size_t non_null) {
  if (column.physical() == PhysicalType::kBoolean) return (non_null + 7) / 8;
  if (column.physical() != PhysicalType::kByteArray) return non_null * fixed_width(column);
  const ColumnData& d = column.data();
  return d.offsets[end] - d.offsets[begin] + 4 * non_null;
}

class ChunkWriter {
 public:
  ChunkWriter(const Column& column, const ChunkWriteOptions& options, std::string* out)
      : column_(column), options_(options), out_(out), start_(out->size()) {}

  void write_page(PageType type, const std::string& body, int32_t num_values, int32_t encoding) {
    CLIPRET_CHECK(body.size() < kMaxPageBytes, InvalidInput,
                  "column '%s': a page of %zu bytes is too large; lower page_bytes",
                  column_.name().c_str(), body.size());
    compressed_.clear();
    compress(options_.compression, reinterpret_cast<const uint8_t*>(body.data()), body.size(),
             &compressed_, options_.compression_level);
    PageHeader header;
    header.type = static_cast<int32_t>(type);
    header.uncompressed_page_size = static_cast<int32_t>(body.size());
    header.compressed_page_size = static_cast<int32_t>(compressed_.size());
    header.num_values = num_values;
    header.encoding = encoding;
    if (type == PageType::kDictionaryPage) {
      header.has_dictionary_header = true;
    } else {
      header.has_data_header = true;
      header.definition_level_encoding = static_cast<int32_t>(Encoding::kRle);
      header.repetition_level_encoding = static_cast<int32_t>(Encoding::kRle);
    }
    const size_t before = out_->size();
    serialize_page_header(header, out_);
    const size_t header_bytes = out_->size() - before;
    out_->append(compressed_);
    uncompressed_total_ += header_bytes + body.size();
  }

  size_t written() const { return out_->size() - start_; }
  int64_t uncompressed_total() const { return static_cast<int64_t>(uncompressed_total_); }

 private:
  const Column& column_;
  const ChunkWriteOptions& options_;
  std::string* out_;
  size_t start_;
  std::string compressed_;
  uint64_t uncompressed_total_ = 0;
};

// Page boundaries for rows [begin, end): pages of about `page_bytes` of values.
std::vector<size_t> page_boundaries(const Column& column, size_t begin, size_t end,
                                    size_t page_bytes, int dictionary_bit_width) {
  std::vector<size_t> bounds{begin};
  if (column.physical() == PhysicalType::kByteArray && dictionary_bit_width < 0) {
    const ColumnData& d = column.data();
    size_t page_start = begin;
    for (size_t row = begin; row < end; ++row) {
      if (d.offsets[row + 1] - d.offsets[page_start] + 4 * (row + 1 - page_start) >= page_bytes) {
        bounds.push_back(row + 1);
        page_start = row + 1;
      }
    }
  } else {
    size_t bits_per_row = dictionary_bit_width >= 0 ? static_cast<size_t>(dictionary_bit_width)
                          : column.physical() == PhysicalType::kBoolean ? 1
                                                                        : 8 * fixed_width(column);
    const size_t rows_per_page =
        std::max<size_t>(1, page_bytes * 8 / std::max<size_t>(1, bits_per_row));
    for (size_t row = begin + rows_per_page; row < end; row += rows_per_page) bounds.push_back(row);
  }
  if (bounds.back() != end) bounds.push_back(end);
  return bounds;
}

}  // namespace

void write_column_chunk(const Column& column, size_t begin, size_t end,
                        const ChunkWriteOptions& options, int64_t file_offset, std::string* out,
                        ColumnMetaData* meta) {
  const size_t chunk_start = out->size();
  meta->type = static_cast<int32_t>(column.physical());
  meta->path_in_schema = {column.name()};
  meta->codec = static_cast<int32_t>(options.compression);
  meta->num_values = static_cast<int64_t>(end - begin);
  meta->statistics = compute_statistics(column, begin, end);
  const size_t non_null = (end - begin) - static_cast<size_t>(*meta->statistics.null_count);

  DictionaryEncoding dictionary;
  int bit_width = -1;  // -1: PLAIN
  if (options.dictionary && non_null > 0 &&
      dictionary_encode(column, begin, end, options.max_dictionary_bytes, &dictionary)) {
    const int width = std::max(1, bit_width_of(dictionary.size - 1));
    const uint64_t encoded = dictionary.plain_values.size() + non_null * width / 8;
    if (encoded < plain_bytes(column, begin, end, non_null)) bit_width = width;
  }

  ChunkWriter writer(column, options, out);
  if (bit_width >= 0) {
    meta->dictionary_page_offset = file_offset;
    writer.write_page(PageType::kDictionaryPage, dictionary.plain_values,
                      static_cast<int32_t>(dictionary.size),
                      static_cast<int32_t>(Encoding::kPlain));
  }
  meta->data_page_offset = file_offset + static_cast<int64_t>(out->size() - chunk_start);

  const std::vector<size_t> bounds =
      page_boundaries(column, begin, end, options.page_bytes, bit_width);
  const std::vector<uint8_t>& validity = column.data().validity;
  std::string body;
  std::vector<uint32_t> levels;
  size_t index_cursor = 0;  // next dictionary index (one per non-null row)
  for (size_t p = 0; p + 1 < bounds.size(); ++p) {
    const size_t pb = bounds[p], pe = bounds[p + 1];
    body.clear();
    size_t page_non_null = pe - pb;
    if (column.schema().optional) {
      levels.assign(pe - pb, 1);
      if (!validity.empty()) {
        for (size_t row = pb; row < pe; ++row) levels[row - pb] = validity[row];
        page_non_null = static_cast<size_t>(std::count(levels.begin(), levels.end(), 1u));
      }
      body.append(4, '\0');
      encode_rle(levels.data(), levels.size(), 1, &body);
      const uint32_t length = static_cast<uint32_t>(body.size() - 4);
      std::memcpy(body.data(), &length, 4);
    }
    Encoding encoding = Encoding::kPlain;
    if (bit_width >= 0) {
      encoding = Encoding::kRleDictionary;
      body.push_back(static_cast<char>(bit_width));
      encode_rle(dictionary.indices.data() + index_cursor, page_non_null, bit_width, &body);
      index_cursor += page_non_null;
    } else {
      encode_plain(column, pb, pe, &body);
    }
    writer.write_page(PageType::kDataPage, body, static_cast<int32_t>(pe - pb),
                      static_cast<int32_t>(encoding));
  }
  meta->encodings = {static_cast<int32_t>(Encoding::kPlain), static_cast<int32_t>(Encoding::kRle)};
  if (bit_width >= 0) meta->encodings.push_back(static_cast<int32_t>(Encoding::kRleDictionary));
  meta->total_compressed_size = static_cast<int64_t>(writer.written());
  meta->total_uncompressed_size = writer.uncompressed_total();
}

}  // namespace clipret::parquet
