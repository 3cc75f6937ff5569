#include "model/json_fields.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/error.h"

namespace clipret::model {

namespace {

const nlohmann::json* field(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

nlohmann::json read_json_file(const std::string& path) {
  std::error_code ec;
  CLIPRET_CHECK(std::filesystem::is_regular_file(path, ec), NotFound, "%s: no such file",
                path.c_str());
  std::ifstream in(path, std::ios::binary);
  CLIPRET_CHECK(in.good(), Io, "%s: cannot open", path.c_str());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CLIPRET_CHECK(!in.bad(), Io, "%s: read failed", path.c_str());
  return parse_json_text(text, path);
}

nlohmann::json parse_json_text(const std::string& text, const std::string& source) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  CLIPRET_CHECK(!value.is_discarded(), Corrupt, "%s: not valid JSON", source.c_str());
  CLIPRET_CHECK(value.is_object(), Corrupt, "%s: not a JSON object", source.c_str());
  return value;
}

int64_t json_int(const nlohmann::json& obj, const char* key, int64_t fallback,
                 const std::string& source) {
  const nlohmann::json* value = field(obj, key);
  if (value == nullptr) return fallback;
  CLIPRET_CHECK(value->is_number_integer(), Corrupt, "%s: field '%s' must be an integer",
                source.c_str(), key);
  return value->get<int64_t>();
}

double json_number(const nlohmann::json& obj, const char* key, double fallback,
                   const std::string& source) {
  const nlohmann::json* value = field(obj, key);
  if (value == nullptr) return fallback;
  CLIPRET_CHECK(value->is_number(), Corrupt, "%s: field '%s' must be a number", source.c_str(),
                key);
  return value->get<double>();
}

bool json_bool(const nlohmann::json& obj, const char* key, bool fallback,
               const std::string& source) {
  const nlohmann::json* value = field(obj, key);
  if (value == nullptr) return fallback;
  CLIPRET_CHECK(value->is_boolean(), Corrupt, "%s: field '%s' must be true or false",
                source.c_str(), key);
  return value->get<bool>();
}

std::string json_string(const nlohmann::json& obj, const char* key, const std::string& fallback,
                        const std::string& source) {
  const nlohmann::json* value = field(obj, key);
  if (value == nullptr) return fallback;
  CLIPRET_CHECK(value->is_string(), Corrupt, "%s: field '%s' must be a string", source.c_str(),
                key);
  return value->get<std::string>();
}

}  // namespace clipret::model
