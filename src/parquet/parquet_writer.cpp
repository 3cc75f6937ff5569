#include "parquet/parquet_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "parquet/column_chunk_writer.h"
#include "parquet/file_metadata.h"
#include "parquet/file_schema.h"

namespace clipret::parquet {

namespace {

constexpr char kMagic[] = "PAR1";
constexpr int32_t kFormatVersion = 2;            // data pages use RLE_DICTIONARY (format 2.x)
constexpr size_t kFlushBytes = size_t{8} << 20;  // write encoded chunks once this much is queued

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

struct ParquetWriter::Impl {
  std::string path;
  std::string temp_path;
  Schema schema;
  WriterOptions options;
  ChunkWriteOptions chunk_options;
  std::unique_ptr<std::FILE, FileCloser> file;
  FileMetaData metadata;
  Table buffer;
  int64_t offset = 0;  // bytes written so far
  size_t rows_written = 0;
  std::string pending;  // encoded bytes not yet written
  bool closed = false;

  void write_bytes(const std::string& bytes) {
    if (bytes.empty()) return;
    if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
      CLIPRET_THROW(Io, "%s: write failed: %s", temp_path.c_str(), std::strerror(errno));
    }
  }

  void write_row_group(const Table& table, size_t begin, size_t end) {
    if (begin == end) return;
    RowGroup group;
    group.num_rows = static_cast<int64_t>(end - begin);
    for (const Column& column : table.columns()) {
      ColumnChunk chunk;
      chunk.meta_data.emplace();
      const int64_t chunk_offset = offset + static_cast<int64_t>(pending.size());
      write_column_chunk(column, begin, end, chunk_options, chunk_offset, &pending,
                         &*chunk.meta_data);
      chunk.file_offset = chunk_offset;
      group.total_byte_size += chunk.meta_data->total_uncompressed_size;
      group.columns.push_back(std::move(chunk));
      if (pending.size() >= kFlushBytes) flush_pending();
    }
    flush_pending();
    metadata.row_groups.push_back(std::move(group));
    rows_written += end - begin;
  }

  void flush_pending() {
    write_bytes(pending);
    offset += static_cast<int64_t>(pending.size());
    pending.clear();
  }
};

ParquetWriter::ParquetWriter(const std::string& path, Schema schema, WriterOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& w = *impl_;
  CLIPRET_CHECK(!schema.empty(), InvalidInput, "%s: a Parquet file needs at least one column",
                path.c_str());
  CLIPRET_CHECK(options.row_group_rows > 0 && options.page_bytes > 0, InvalidInput,
                "%s: row_group_rows and page_bytes must be positive", path.c_str());
  for (const ColumnSchema& column : schema) validate_column_type(column.name, column.type);
  w.buffer = Table(schema);  // also rejects duplicate names
  w.path = path;
  w.schema = std::move(schema);
  w.options = std::move(options);
  w.chunk_options = {w.options.compression, w.options.compression_level, w.options.page_bytes,
                     w.options.dictionary, w.options.max_dictionary_bytes};

  const int fd = core::create_temporary_file(path, &w.temp_path);
  w.file.reset(::fdopen(fd, "wb"));
  if (!w.file) {
    ::close(fd);
    std::remove(w.temp_path.c_str());
    CLIPRET_THROW(Io, "%s: fdopen failed: %s", w.temp_path.c_str(), std::strerror(errno));
  }
  // Parquet outputs are shared like any other file: 0644, whatever the umask.
  (void)::fchmod(fd, 0644);
  w.write_bytes(std::string(kMagic, 4));
  w.offset = 4;

  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(w.schema.size());
  w.metadata.schema.push_back(root);
  for (const ColumnSchema& column : w.schema) {
    w.metadata.schema.push_back(schema_element_for(column));
  }
  w.metadata.version = kFormatVersion;
  w.metadata.created_by = w.options.created_by;
  for (const auto& [key, value] : w.options.key_value_metadata) {
    w.metadata.key_value_metadata.push_back({key, value});
  }
}

ParquetWriter::~ParquetWriter() {
  if (impl_ && !impl_->closed) {
    impl_->file.reset();
    std::remove(impl_->temp_path.c_str());
  }
}

const Schema& ParquetWriter::schema() const {
  return impl_->schema;
}

size_t ParquetWriter::num_rows() const {
  return impl_->rows_written + impl_->buffer.num_rows();
}

void ParquetWriter::write(const Table& table) {
  Impl& w = *impl_;
  CLIPRET_CHECK(!w.closed, InvalidInput, "%s: write after close", w.path.c_str());
  CLIPRET_CHECK(table.schema() == w.schema, InvalidInput,
                "%s: the table's schema differs from the writer's", w.path.c_str());
  table.validate();
  const size_t n = table.num_rows();
  const size_t group_rows = w.options.row_group_rows;
  size_t begin = 0;
  while (begin < n) {
    if (w.buffer.num_rows() == 0 && n - begin >= group_rows) {
      // Whole row groups go straight from the caller's table.
      w.write_row_group(table, begin, begin + group_rows);
      begin += group_rows;
      continue;
    }
    const size_t take = std::min(group_rows - w.buffer.num_rows(), n - begin);
    w.buffer.append_rows(table, begin, begin + take);
    begin += take;
    if (w.buffer.num_rows() == group_rows) flush_row_group();
  }
}

void ParquetWriter::write_row_groups(const Table& table) {
  Impl& w = *impl_;
  CLIPRET_CHECK(!w.closed, InvalidInput, "%s: write after close", w.path.c_str());
  CLIPRET_CHECK(table.schema() == w.schema, InvalidInput,
                "%s: the table's schema differs from the writer's", w.path.c_str());
  table.validate();
  flush_row_group();
  for (size_t begin = 0; begin < table.num_rows(); begin += w.options.row_group_rows) {
    w.write_row_group(table, begin, std::min(table.num_rows(), begin + w.options.row_group_rows));
  }
}

void ParquetWriter::flush_row_group() {
  Impl& w = *impl_;
  w.write_row_group(w.buffer, 0, w.buffer.num_rows());
  w.buffer.clear_rows();
}

void ParquetWriter::close() {
  Impl& w = *impl_;
  if (w.closed) return;
  flush_row_group();
  w.metadata.num_rows = static_cast<int64_t>(w.rows_written);
  const std::string footer = serialize_file_metadata(w.metadata);
  const uint32_t length = static_cast<uint32_t>(footer.size());
  std::string tail = footer;
  tail.append(reinterpret_cast<const char*>(&length), 4);
  tail.append(kMagic, 4);
  w.write_bytes(tail);
  const bool flushed =
      std::fflush(w.file.get()) == 0 && (!w.options.fsync || ::fsync(::fileno(w.file.get())) == 0);
  const int closed = std::fclose(w.file.release());
  CLIPRET_CHECK(flushed && closed == 0, Io, "%s: cannot finish writing: %s", w.temp_path.c_str(),
                std::strerror(errno));
  core::rename_into_place(w.temp_path, w.path);
  w.closed = true;
}

void write_parquet_file(const std::string& path, const Table& table, const WriterOptions& options) {
  ParquetWriter writer(path, table.schema(), options);
  writer.write_row_groups(table);
  writer.close();
}

}  // namespace clipret::parquet
