#include "download/json_parsers.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "download/input_bytes.h"

namespace clipret::download {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxJsonDocumentBytes = size_t{1} << 34;

// Key names in order of first appearance, for missing column messages; a set keeps hostile
// inputs with many distinct keys linear.
class KeyList {
 public:
  void add_keys(const Json& object) {
    for (const auto& item : object.items()) {
      if (seen_.insert(item.key()).second) names_.push_back(item.key());
    }
  }
  bool has(const std::string& name) const { return seen_.count(name) > 0; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_set<std::string> seen_;
  std::vector<std::string> names_;
};

std::optional<std::string> json_text(const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return value.get_ref<const std::string&>();
  return value.dump();
}

// jsonl: one object a line. A column may be absent from some rows (null there), but must appear
// within the first `check_rows` rows, so that a wrong column name fails before any download.
class JsonLinesParser : public RowParser {
 public:
  JsonLinesParser(const std::string& path, bool gzip, const std::vector<std::string>& wanted,
                  int64_t check_rows)
      : cursor_(path, gzip), wanted_(wanted), seen_(wanted.size()), check_rows_(check_rows) {}

  bool next_row(RowFields& fields) override {
    bool found = cursor_.next_line(line_);
    while (found && line_.find_first_not_of(" \t") == std::string::npos) {
      found = cursor_.next_line(line_);
    }
    if (!found) {
      if (rows_ > 0 && rows_ < check_rows_) check_columns();
      return false;
    }
    Json object;
    try {
      object = Json::parse(line_);
    } catch (const Json::parse_error& e) {
      CLIPRET_THROW(InvalidInput, "%s, line %lld: invalid JSON at byte %zu of the line",
                    cursor_.name().c_str(), static_cast<long long>(cursor_.line()), e.byte);
    } catch (const Json::out_of_range& e) {  // a number like 1E999
      CLIPRET_THROW(InvalidInput, "%s, line %lld: invalid JSON (%s)", cursor_.name().c_str(),
                    static_cast<long long>(cursor_.line()), e.what());
    }
    CLIPRET_CHECK(object.is_object(), InvalidInput, "%s, line %lld: expected a JSON object",
                  cursor_.name().c_str(), static_cast<long long>(cursor_.line()));
    for (size_t i = 0; i < wanted_.size(); ++i) {
      const auto it = object.find(wanted_[i]);
      seen_[i] = seen_[i] || it != object.end();
      fields[i] = it == object.end() ? std::nullopt : json_text(*it);
    }
    if (rows_ < check_rows_) {
      keys_.add_keys(object);
      if (++rows_ == check_rows_) check_columns();
    }
    return true;
  }

 private:
  void check_columns() const {
    for (size_t i = 0; i < wanted_.size(); ++i) {
      if (!seen_[i]) throw_missing_column(cursor_.name(), wanted_[i], keys_.names());
    }
  }

  LineCursor cursor_;
  std::vector<std::string> wanted_;
  std::vector<bool> seen_;
  KeyList keys_;  // keys of the rows checked so far
  int64_t check_rows_;
  int64_t rows_ = 0;
  std::string line_;
};

// json: pandas' default "columns" orientation {"col": {"0": v, ...}}, or a list of records.
class JsonDocumentParser : public RowParser {
 public:
  JsonDocumentParser(const std::string& path, bool gzip, const std::vector<std::string>& wanted) {
    std::string text;
    {
      ByteSource in(path, gzip);
      for (int c = in.get(); c >= 0; c = in.get()) {
        CLIPRET_CHECK(text.size() < kMaxJsonDocumentBytes, InvalidInput,
                      "%s: JSON document larger than %zu bytes", path.c_str(),
                      kMaxJsonDocumentBytes);
        text.push_back(static_cast<char>(c));
      }
    }
    try {
      document_ = Json::parse(text);
    } catch (const Json::parse_error& e) {
      const size_t end = std::min(e.byte, text.size());
      const auto line = 1 + std::count(text.begin(), text.begin() + end, '\n');
      CLIPRET_THROW(InvalidInput, "%s, line %lld: invalid JSON (%s)", path.c_str(),
                    static_cast<long long>(line), e.what());
    } catch (const Json::out_of_range& e) {  // a number like 1E999
      CLIPRET_THROW(InvalidInput, "%s: invalid JSON (%s)", path.c_str(), e.what());
    }
    if (document_.is_array()) {
      KeyList keys;
      for (const Json& record : document_) {
        CLIPRET_CHECK(record.is_object(), InvalidInput,
                      "%s: a JSON list must hold objects (records)", path.c_str());
        keys.add_keys(record);
      }
      for (const std::string& column : wanted) {
        if (!keys.has(column)) throw_missing_column(path, column, keys.names());
      }
      records_ = true;
      wanted_ = wanted;
      num_rows_ = document_.size();
      return;
    }
    CLIPRET_CHECK(document_.is_object(), InvalidInput,
                  "%s: expected a JSON object of columns or a list of records", path.c_str());
    std::unordered_map<std::string, size_t> row_of_key;
    for (const auto& column : document_.items()) {
      CLIPRET_CHECK(column.value().is_object(), InvalidInput,
                    "%s: column '%s' must map row labels to values (pandas' \"columns\" layout)",
                    path.c_str(), column.key().c_str());
      for (const auto& cell : column.value().items()) {
        if (row_of_key.emplace(cell.key(), row_keys_.size()).second) {
          row_keys_.push_back(cell.key());
        }
      }
    }
    for (const std::string& column : wanted) {
      const auto it = document_.find(column);
      if (it == document_.end()) {
        std::vector<std::string> names;
        for (const auto& item : document_.items()) names.push_back(item.key());
        throw_missing_column(path, column, names);
      }
      columns_.push_back(&*it);
    }
    num_rows_ = row_keys_.size();
  }

  bool next_row(RowFields& fields) override {
    if (row_ == num_rows_) return false;
    for (size_t i = 0; i < fields.size(); ++i) {
      const Json& holder = records_ ? document_[row_] : *columns_[i];
      const auto it = holder.find(records_ ? wanted_[i] : row_keys_[row_]);
      fields[i] = it == holder.end() ? std::nullopt : json_text(*it);
    }
    ++row_;
    return true;
  }

 private:
  Json document_;
  bool records_ = false;
  std::vector<std::string> wanted_;    // records: the column names
  std::vector<std::string> row_keys_;  // columns: row labels in order of first appearance
  std::vector<const Json*> columns_;   // columns: the wanted columns' objects
  size_t num_rows_ = 0, row_ = 0;
};

}  // namespace

std::unique_ptr<RowParser> make_json_lines_parser(const std::string& path, bool gzip,
                                                  const std::vector<std::string>& wanted,
                                                  int64_t check_rows) {
  return std::make_unique<JsonLinesParser>(path, gzip, wanted, check_rows);
}

std::unique_ptr<RowParser> make_json_document_parser(const std::string& path, bool gzip,
                                                     const std::vector<std::string>& wanted) {
  return std::make_unique<JsonDocumentParser>(path, gzip, wanted);
}

}  // namespace clipret::download
