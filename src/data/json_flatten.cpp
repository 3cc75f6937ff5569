#include "data/json_flatten.h"

#include <nlohmann/json.hpp>

namespace clipret::data {
namespace {

constexpr const char* kReservedNames[] = {"caption", "metadata", "image_path"};

bool is_reserved(const std::string& name) {
  for (const char* reserved : kReservedNames) {
    if (name == reserved) return true;
  }
  return false;
}

void flatten(const nlohmann::ordered_json& object, const std::string& prefix,
             std::vector<FlatField>& out) {
  for (const auto& [key, value] : object.items()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (prefix.empty() && is_reserved(name)) continue;
    if (value.is_object() && !value.empty()) {
      flatten(value, name, out);
      continue;
    }
    FlatField field;
    field.name = name;
    FlatValue& v = field.value;
    if (value.is_boolean()) {
      v.kind = FlatValue::Kind::kBool;
      v.bool_value = value.get<bool>();
    } else if (value.is_number_integer() &&
               (value.is_number_unsigned() ? value.get<uint64_t>() <= INT64_MAX : true)) {
      v.kind = FlatValue::Kind::kInt;
      v.int_value = value.get<int64_t>();
    } else if (value.is_number()) {
      v.kind = FlatValue::Kind::kDouble;
      v.double_value = value.get<double>();
    } else if (value.is_string()) {
      v.kind = FlatValue::Kind::kString;
      v.string_value = value.get<std::string>();
    } else if (!value.is_null()) {  // arrays and empty objects keep their JSON text
      v.kind = FlatValue::Kind::kString;
      v.string_value = value.dump();
    }
    out.push_back(std::move(field));
  }
}

}  // namespace

std::optional<std::vector<FlatField>> flatten_json_object(std::string_view json_text,
                                                          std::string* error) {
  // ordered_json keeps the fields in file order, as pandas does.
  const auto parsed = nlohmann::ordered_json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    *error = "invalid json";
    return std::nullopt;
  }
  if (!parsed.is_object()) {
    *error = "json is not an object";
    return std::nullopt;
  }
  std::vector<FlatField> fields;
  flatten(parsed, "", fields);
  return fields;
}

}  // namespace clipret::data
