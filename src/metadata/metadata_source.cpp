#include "metadata/metadata_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/error.h"
#include "core/log.h"
#include "parquet/column.h"
#include "parquet/parquet_reader.h"
#include "parquet/table.h"

namespace clipret::metadata {

namespace fs = std::filesystem;

const std::vector<std::string>& default_columns_to_return() {
  static const std::vector<std::string> columns = {"url", "image_path", "caption", "NSFW"};
  return columns;
}

SourceFile stat_source_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    const int error = errno;
    CLIPRET_CHECK(error != ENOENT, NotFound, "%s: not found", path.c_str());
    CLIPRET_THROW(Io, "%s: cannot stat: %s", path.c_str(), std::strerror(error));
  }
  SourceFile file;
  file.path = path;
  file.name = fs::path(path).filename().string();
  file.size = static_cast<uint64_t>(info.st_size);
  file.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  return file;
}

std::vector<SourceFile> list_metadata_files(const std::string& indice_folder) {
  const fs::path folder = fs::path(indice_folder) / "metadata";
  std::error_code error;
  CLIPRET_CHECK(fs::is_directory(folder, error), NotFound, "%s: metadata folder not found",
                folder.c_str());
  std::vector<SourceFile> files;
  fs::directory_iterator it(folder, error);
  CLIPRET_CHECK(!error, Io, "%s: cannot list: %s", folder.c_str(), error.message().c_str());
  for (; it != fs::directory_iterator(); it.increment(error)) {
    CLIPRET_CHECK(!error, Io, "%s: cannot list: %s", folder.c_str(), error.message().c_str());
    if (it->path().extension() != ".parquet") continue;
    // Only folders are skipped: a dangling link or an unreadable file is an error naming it.
    if (it->is_directory(error)) continue;
    SourceFile file = stat_source_file(it->path().string());
    files.push_back(std::move(file));
  }
  CLIPRET_CHECK(!files.empty(), NotFound, "%s: no .parquet file in the metadata folder",
                folder.c_str());
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return files;
}

MetadataSource MetadataSource::scan(const std::string& indice_folder) {
  MetadataSource source;
  source.files_ = list_metadata_files(indice_folder);
  std::vector<std::string> first_file;  // where each column was first seen, for messages
  for (SourceFile& file : source.files_) {
    const auto reader = parquet::ParquetReader::open(file.path);
    file.num_rows = reader->num_rows();
    source.num_rows_ += file.num_rows;
    for (const parquet::ColumnSchema& schema : reader->schema()) {
      ValueKind kind = ValueKind::kNull;
      try {
        kind = value_kind_of(schema, file.path);
      } catch (const Error& error) {
        // A column no store can serve is left out, like the nested ones the reader skips; it
        // only matters if it was asked for, and then it is absent from the served columns.
        if (error.kind() != ErrorKind::kUnsupported) throw;
        CLIPRET_LOG_WARN("%s; skipped", error.what());
        continue;
      }
      auto it = std::find_if(source.columns_.begin(), source.columns_.end(),
                             [&](const SourceColumn& c) { return c.name == schema.name; });
      if (it == source.columns_.end()) {
        source.columns_.push_back({schema.name, kind});
        first_file.push_back(file.path);
        continue;
      }
      const size_t index = static_cast<size_t>(it - source.columns_.begin());
      CLIPRET_CHECK(kinds_compatible(it->kind, kind), InvalidInput,
                    "%s: column '%s' holds %s values, but %s in %s", file.path.c_str(),
                    schema.name.c_str(), value_kind_name(kind), value_kind_name(it->kind),
                    first_file[index].c_str());
      it->kind = merge_kinds(it->kind, kind);
    }
  }
  return source;
}

std::vector<SourceColumn> select_columns(const std::vector<SourceColumn>& available,
                                         const std::vector<std::string>& columns_to_return) {
  const std::vector<std::string>& wanted =
      columns_to_return.empty() ? default_columns_to_return() : columns_to_return;
  std::vector<SourceColumn> selected;
  for (const SourceColumn& column : available) {
    if (std::find(wanted.begin(), wanted.end(), column.name) != wanted.end()) {
      selected.push_back(column);
    }
  }
  return selected;
}

std::vector<SourceColumn> MetadataSource::served_columns(
    const std::vector<std::string>& columns_to_return) const {
  return select_columns(columns_, columns_to_return);
}

void MetadataSource::read(const std::vector<SourceColumn>& columns,
                          const std::function<void(const SourceBatch&)>& consume) const {
  int64_t first_row = 0;
  for (const SourceFile& file : files_) {
    // Project onto the requested columns this file has; the rest read as null.
    const auto probe = parquet::ParquetReader::open(file.path);
    parquet::ReaderOptions options;
    for (const SourceColumn& column : columns) {
      for (const parquet::ColumnSchema& schema : probe->schema()) {
        if (schema.name == column.name) options.columns.push_back(column.name);
      }
    }
    if (options.columns.empty()) {  // nothing to read: every requested column is null here
      SourceBatch batch;
      batch.first_row = first_row;
      batch.num_rows = static_cast<size_t>(file.num_rows);
      batch.columns.assign(columns.size(), nullptr);
      if (batch.num_rows > 0) consume(batch);
      first_row += file.num_rows;
      continue;
    }
    const auto reader = parquet::ParquetReader::open(file.path, options);
    CLIPRET_CHECK(reader->num_rows() == file.num_rows, Io, "%s: changed while being read",
                  file.path.c_str());
    for (size_t g = 0; g < reader->num_row_groups(); ++g) {
      const parquet::Table table = reader->read_row_group(g);
      SourceBatch batch;
      batch.first_row = first_row;
      batch.num_rows = table.num_rows();
      for (const SourceColumn& column : columns) {
        const int index = table.column_index(column.name);
        batch.columns.push_back(index < 0 ? nullptr : &table.column(static_cast<size_t>(index)));
      }
      if (batch.num_rows > 0) consume(batch);
      first_row += static_cast<int64_t>(batch.num_rows);
    }
  }
  CLIPRET_CHECK(first_row == num_rows_, Io, "metadata files changed while being read");
}

}  // namespace clipret::metadata
