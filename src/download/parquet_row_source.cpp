#include "download/parquet_row_source.h"

#include <algorithm>
#include <utility>

#include "core/error.h"
#include "download/row_parser.h"
#include "parquet/parquet_reader.h"

namespace clipret::download {
namespace {

// parquet: only the wanted columns, one row group at a time; row groups that fall entirely in
// skipped shards are not decoded.
class ParquetRowSource : public RowSource {
 public:
  ParquetRowSource(const std::string& path, const std::vector<std::string>& wanted,
                   const std::vector<std::string>& names) {
    std::vector<std::string> projection;
    {
      // Opened once unprojected (footer only) to name the available columns in errors.
      const auto probe = parquet::ParquetReader::open(path);
      std::vector<std::string> available;
      for (const auto& column : probe->schema()) available.push_back(column.name);
      for (const std::string& column : probe->nested_columns()) available.push_back(column);
      for (const std::string& column : wanted) {
        if (std::find(available.begin(), available.end(), column) == available.end()) {
          throw_missing_column(path, column, available);
        }
        if (std::find(projection.begin(), projection.end(), column) == projection.end()) {
          projection.push_back(column);
        }
      }
    }
    reader_ = parquet::ParquetReader::open(path, {.columns = projection});
    for (size_t i = 0; i < wanted.size(); ++i) {
      const size_t j = static_cast<size_t>(
          std::find(projection.begin(), projection.end(), wanted[i]) - projection.begin());
      index_.push_back(j);
      parquet::ColumnSchema column = reader_->schema()[j];
      column.name = names[i];
      schema_.push_back(std::move(column));
    }
    for (size_t g = 0; g < reader_->num_row_groups(); ++g) {
      remaining_ += reader_->row_group_num_rows(g);
    }
  }

  const parquet::Schema& schema() const override { return schema_; }
  bool at_end() override { return remaining_ == 0; }
  int64_t read(parquet::Table* out, int64_t max_rows) override {
    int64_t n = 0;
    while (n < max_rows) {
      const int64_t left = static_cast<int64_t>(group_.num_rows()) - offset_;
      if (left > 0) {
        const int64_t k = std::min(left, max_rows - n);
        for (size_t i = 0; out && i < index_.size(); ++i) {
          out->column(i).append_rows(group_.column(index_[i]), static_cast<size_t>(offset_),
                                     static_cast<size_t>(offset_ + k));
        }
        offset_ += k;
        n += k;
        continue;
      }
      if (next_group_ == reader_->num_row_groups()) break;
      const int64_t group_rows = reader_->row_group_num_rows(next_group_);
      if (!out && group_rows <= max_rows - n) {
        n += group_rows;
        ++next_group_;
        continue;
      }
      group_ = reader_->read_row_group(next_group_);
      CLIPRET_CHECK(static_cast<int64_t>(group_.num_rows()) == group_rows, Corrupt,
                    "%s: row group %zu holds %zu rows, its metadata says %lld",
                    reader_->name().c_str(), next_group_, group_.num_rows(),
                    static_cast<long long>(group_rows));
      ++next_group_;
      offset_ = 0;
    }
    remaining_ -= n;
    return n;
  }

 private:
  std::unique_ptr<parquet::ParquetReader> reader_;
  parquet::Schema schema_;
  std::vector<size_t> index_;  // output column i is projected column index_[i]
  parquet::Table group_;       // the decoded row group being cut, rows [offset_, end) left
  int64_t offset_ = 0;
  size_t next_group_ = 0;
  int64_t remaining_ = 0;
};

}  // namespace

std::unique_ptr<RowSource> make_parquet_row_source(const std::string& path,
                                                   const std::vector<std::string>& wanted,
                                                   const std::vector<std::string>& names) {
  return std::make_unique<ParquetRowSource>(path, wanted, names);
}

}  // namespace clipret::download
