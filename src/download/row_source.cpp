#include "download/row_source.h"

#include <utility>

#include "download/row_parser.h"

namespace clipret::download {
namespace {

class TextRowSource : public RowSource {
 public:
  TextRowSource(std::unique_ptr<RowParser> parser, parquet::Schema schema)
      : parser_(std::move(parser)), schema_(std::move(schema)), fields_(schema_.size()) {}

  const parquet::Schema& schema() const override { return schema_; }
  bool at_end() override {
    if (!have_row_) have_row_ = parser_->next_row(fields_);
    return !have_row_;
  }
  int64_t read(parquet::Table* out, int64_t max_rows) override {
    int64_t n = 0;
    for (; n < max_rows && !at_end(); ++n) {
      have_row_ = false;
      if (!out) continue;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (fields_[i]) {
          out->column(i).append_bytes(*fields_[i]);
        } else {
          out->column(i).append_null();
        }
      }
    }
    return n;
  }

 private:
  std::unique_ptr<RowParser> parser_;
  parquet::Schema schema_;
  RowFields fields_;
  bool have_row_ = false;
};

}  // namespace

std::unique_ptr<RowSource> make_text_row_source(std::unique_ptr<RowParser> parser,
                                                parquet::Schema schema) {
  return std::make_unique<TextRowSource>(std::move(parser), std::move(schema));
}

}  // namespace clipret::download
