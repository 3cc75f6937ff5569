#include "data/metadata_table_builder.h"

#include <cstdio>
#include <unordered_map>

#include "parquet/table.h"

namespace clipret::data {
namespace {

// JSON text of a non-string value in a STRING column (ints and doubles as Python prints them).
std::string value_text(const FlatValue& v) {
  switch (v.kind) {
    case FlatValue::Kind::kBool:
      return v.bool_value ? "true" : "false";
    case FlatValue::Kind::kInt:
      return std::to_string(v.int_value);
    case FlatValue::Kind::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", v.double_value);
      return buf;
    }
    case FlatValue::Kind::kString:
      return v.string_value;
    case FlatValue::Kind::kNull:
      break;
  }
  return "";
}

}  // namespace

struct MetadataTableBuilder::Impl {
  bool with_image_path;
  bool with_caption;
  bool with_metadata;
  std::vector<std::string> image_paths;
  std::vector<std::string> captions;
  std::vector<std::string> field_names;                         // first-appearance order
  std::unordered_map<std::string, size_t> field_index;          // name → position in field_names
  std::vector<std::vector<std::pair<size_t, FlatValue>>> rows;  // (field, value) per row
  size_t num_rows = 0;
};

MetadataTableBuilder::MetadataTableBuilder(bool with_image_path, bool with_caption,
                                           bool with_metadata)
    : impl_(std::make_unique<Impl>()) {
  impl_->with_image_path = with_image_path;
  impl_->with_caption = with_caption;
  impl_->with_metadata = with_metadata;
}

MetadataTableBuilder::~MetadataTableBuilder() = default;

size_t MetadataTableBuilder::num_rows() const {
  return impl_->num_rows;
}

void MetadataTableBuilder::add_row(std::string_view image_path, std::string_view caption,
                                   const std::vector<FlatField>& fields) {
  Impl& m = *impl_;
  if (m.with_image_path) m.image_paths.emplace_back(image_path);
  if (m.with_caption) m.captions.emplace_back(caption);
  if (m.with_metadata) {
    auto& row = m.rows.emplace_back();
    for (const auto& field : fields) {
      auto [it, inserted] = m.field_index.emplace(field.name, m.field_names.size());
      if (inserted) m.field_names.push_back(field.name);
      row.emplace_back(it->second, field.value);
    }
  }
  ++m.num_rows;
}

parquet::Table MetadataTableBuilder::build() const {
  const Impl& m = *impl_;
  parquet::Table table;
  if (m.with_image_path) {
    auto& column =
        table.add_column(parquet::ColumnSchema{"image_path", parquet::string_type(), true});
    for (const auto& path : m.image_paths) column.append_bytes(path);
  }
  if (m.with_caption) {
    auto& column = table.add_column(parquet::ColumnSchema{"caption", parquet::string_type(), true});
    for (const auto& caption : m.captions) column.append_bytes(caption);
  }
  if (!m.with_metadata) return table;

  // The narrowest type per field over all rows.
  using Kind = FlatValue::Kind;
  std::vector<Kind> kinds(m.field_names.size(), Kind::kNull);
  for (const auto& row : m.rows) {
    for (const auto& [index, value] : row) {
      Kind& k = kinds[index];
      if (value.kind == Kind::kNull || value.kind == k) continue;
      if (k == Kind::kNull) {
        k = value.kind;
      } else if ((k == Kind::kInt && value.kind == Kind::kDouble) ||
                 (k == Kind::kDouble && value.kind == Kind::kInt)) {
        k = Kind::kDouble;
      } else {
        k = Kind::kString;
      }
    }
  }
  const size_t first_field_column = table.num_columns();
  for (size_t i = 0; i < m.field_names.size(); ++i) {
    const parquet::ColumnType type = kinds[i] == Kind::kBool     ? parquet::bool_type()
                                     : kinds[i] == Kind::kInt    ? parquet::int64_type()
                                     : kinds[i] == Kind::kDouble ? parquet::double_type()
                                                                 : parquet::string_type();
    table.add_column(parquet::ColumnSchema{m.field_names[i], type, true});
  }
  // Pointers only once every column exists: adding columns moves them.
  std::vector<parquet::Column*> columns;
  for (size_t i = 0; i < m.field_names.size(); ++i) {
    columns.push_back(&table.column(first_field_column + i));
  }
  std::vector<const FlatValue*> slots(m.field_names.size());
  for (const auto& row : m.rows) {
    std::fill(slots.begin(), slots.end(), nullptr);
    for (const auto& [index, value] : row) slots[index] = &value;
    for (size_t i = 0; i < slots.size(); ++i) {
      const FlatValue* v = slots[i];
      parquet::Column& column = *columns[i];
      if (v == nullptr || v->kind == Kind::kNull) {
        column.append_null();
      } else if (kinds[i] == Kind::kBool) {
        column.append_bool(v->bool_value);
      } else if (kinds[i] == Kind::kInt) {
        column.append_int64(v->int_value);
      } else if (kinds[i] == Kind::kDouble) {
        column.append_double(v->kind == Kind::kInt ? static_cast<double>(v->int_value)
                                                   : v->double_value);
      } else {
        column.append_bytes(value_text(*v));
      }
    }
  }
  return table;
}

}  // namespace clipret::data
