#include "parquet/parquet_reader.h"

#include <cstring>
#include <utility>

#include "core/error.h"
#include "core/log.h"
#include "core/random_access_file.h"
#include "parquet/column_chunk_reader.h"
#include "parquet/file_metadata.h"
#include "parquet/file_schema.h"

namespace clipret::parquet {

namespace {

constexpr char kMagic[] = "PAR1";
constexpr char kEncryptedMagic[] = "PARE";
constexpr uint64_t kMagicBytes = 4;
constexpr uint64_t kTailBytes = 8;  // footer length + magic
constexpr uint64_t kMaxFooterBytes = uint64_t{1} << 30;

}  // namespace

struct ParquetReader::Impl {
  std::unique_ptr<core::RandomAccessFile> file;
  ReaderOptions options;
  FileMetaData metadata;
  FileSchema file_schema;
  std::vector<const LeafColumn*> projection;
  Schema schema;
  uint64_t data_end = 0;
  ChunkScratch scratch;

  const std::string& name() const { return file->name(); }

  void read_footer() {
    const char* path = name().c_str();
    const uint64_t size = file->size();
    CLIPRET_CHECK(size >= kMagicBytes + kTailBytes, Corrupt,
                  "%s: not a Parquet file (only %llu bytes)", path,
                  static_cast<unsigned long long>(size));
    char head[kMagicBytes];
    char tail[kTailBytes];
    file->read_at(0, kMagicBytes, head);
    file->read_at(size - kTailBytes, kTailBytes, tail);
    CLIPRET_CHECK(std::memcmp(tail + 4, kEncryptedMagic, kMagicBytes) != 0, Unsupported,
                  "%s: encrypted Parquet files are not supported", path);
    CLIPRET_CHECK(std::memcmp(head, kMagic, kMagicBytes) == 0 &&
                      std::memcmp(tail + 4, kMagic, kMagicBytes) == 0,
                  Corrupt, "%s: not a Parquet file (no PAR1 magic at its start and end)", path);
    uint32_t footer_length;
    std::memcpy(&footer_length, tail, sizeof(footer_length));
    CLIPRET_CHECK(
        footer_length <= size - kMagicBytes - kTailBytes && footer_length <= kMaxFooterBytes,
        Corrupt, "%s: footer length %u does not fit in a file of %llu bytes", path, footer_length,
        static_cast<unsigned long long>(size));
    data_end = size - kTailBytes - footer_length;
    std::vector<uint8_t> footer(footer_length);
    file->read_at(data_end, footer_length, footer.data());
    metadata = parse_file_metadata(footer.data(), footer.size(), name());
    CLIPRET_CHECK(!metadata.encrypted, Unsupported, "%s: encrypted Parquet files are not supported",
                  path);
    file_schema = flatten_schema(metadata.schema, name());
    for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
      const RowGroup& group = metadata.row_groups[g];
      CLIPRET_CHECK(group.columns.size() == file_schema.num_leaves, Corrupt,
                    "%s: row group %zu has %zu column chunks, the schema %zu leaves", path, g,
                    group.columns.size(), file_schema.num_leaves);
      CLIPRET_CHECK(group.num_rows >= 0, Corrupt, "%s: row group %zu has %lld rows", path, g,
                    static_cast<long long>(group.num_rows));
    }
  }

  void resolve_projection() {
    const char* path = name().c_str();
    if (options.columns.empty()) {
      for (const LeafColumn& column : file_schema.columns) projection.push_back(&column);
      if (!file_schema.nested.empty()) {
        std::string names;
        for (const std::string& n : file_schema.nested) names += (names.empty() ? "" : ", ") + n;
        CLIPRET_LOG_WARN("%s: skipping nested columns (lists, maps, structs): %s", path,
                         names.c_str());
      }
    } else {
      for (const std::string& wanted : options.columns) {
        const LeafColumn* found = nullptr;
        for (const LeafColumn& column : file_schema.columns) {
          if (column.schema.name == wanted) found = &column;
        }
        if (found == nullptr) {
          for (const std::string& nested : file_schema.nested) {
            CLIPRET_CHECK(nested != wanted, Unsupported,
                          "%s: column '%s' is nested (list, map or struct), which this reader "
                          "does not support",
                          path, wanted.c_str());
          }
          CLIPRET_THROW(InvalidInput, "%s: no column '%s' in the file", path, wanted.c_str());
        }
        projection.push_back(found);
      }
    }
    for (const LeafColumn* column : projection) schema.push_back(column->schema);
  }
};

ParquetReader::ParquetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ParquetReader::~ParquetReader() = default;

std::unique_ptr<ParquetReader> ParquetReader::open(const std::string& path,
                                                   const ReaderOptions& options) {
  return open(core::open_random_access_file(path), options);
}

std::unique_ptr<ParquetReader> ParquetReader::open(std::unique_ptr<core::RandomAccessFile> file,
                                                   const ReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->file = std::move(file);
  impl->options = options;
  impl->read_footer();
  impl->resolve_projection();
  return std::unique_ptr<ParquetReader>(new ParquetReader(std::move(impl)));
}

const std::string& ParquetReader::name() const {
  return impl_->name();
}
const Schema& ParquetReader::schema() const {
  return impl_->schema;
}
const std::vector<std::string>& ParquetReader::nested_columns() const {
  return impl_->file_schema.nested;
}
int64_t ParquetReader::num_rows() const {
  return impl_->metadata.num_rows;
}
size_t ParquetReader::num_row_groups() const {
  return impl_->metadata.row_groups.size();
}
int64_t ParquetReader::row_group_num_rows(size_t row_group) const {
  return impl_->metadata.row_groups.at(row_group).num_rows;
}
const FileMetaData& ParquetReader::metadata() const {
  return impl_->metadata;
}

Table ParquetReader::read_row_group(size_t row_group) {
  CLIPRET_CHECK(row_group < num_row_groups(), InvalidInput,
                "%s: row group %zu requested, the file has %zu", name().c_str(), row_group,
                num_row_groups());
  const RowGroup& group = impl_->metadata.row_groups[row_group];
  ChunkLimits limits{impl_->options.max_page_bytes, impl_->options.max_row_group_rows,
                     impl_->options.max_string_bytes};
  Table table;
  for (const LeafColumn* column : impl_->projection) {
    Column& out = table.add_column(column->schema);
    const std::string context = string_printf("%s: row group %zu, column '%s'", name().c_str(),
                                              row_group, column->schema.name.c_str());
    read_column_chunk(*impl_->file, impl_->data_end, group.columns[column->leaf_index], *column,
                      static_cast<uint64_t>(group.num_rows), limits, context, &impl_->scratch,
                      &out);
  }
  return table;
}

Table ParquetReader::read_all() {
  Table all(schema());
  for (size_t g = 0; g < num_row_groups(); ++g) {
    Table part = read_row_group(g);
    if (g == 0) {
      all = std::move(part);
    } else {
      all.append_rows(part, 0, part.num_rows());
    }
  }
  return all;
}

Table read_parquet_file(const std::string& path, const ReaderOptions& options) {
  return ParquetReader::open(path, options)->read_all();
}

}  // namespace clipret::parquet
