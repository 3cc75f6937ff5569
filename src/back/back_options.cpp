#include "back/back_options.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <iterator>

#include "back/index_option_fields.h"
#include "core/error.h"

namespace clipret::back {
namespace {

using nlohmann::json;

const json* find_key(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string read_string(const json& value, const std::string& where, const char* key) {
  CLIPRET_CHECK(value.is_string(), InvalidInput, "%s: %s must be a string", where.c_str(), key);
  return value.get<std::string>();
}

std::vector<std::string> read_string_list(const json& value, const std::string& where,
                                          const char* key) {
  std::vector<std::string> list;
  if (value.is_null()) return list;
  CLIPRET_CHECK(value.is_array(), InvalidInput, "%s: %s must be a list of strings", where.c_str(),
                key);
  for (const json& item : value) {
    CLIPRET_CHECK(item.is_string(), InvalidInput, "%s: %s must be a list of strings", where.c_str(),
                  key);
    list.push_back(item.get<std::string>());
  }
  return list;
}

// Overrides `field`'s member of `index` when the entry names it.
void read_field(const json& entry, const std::string& where, const IndexOptionField& field,
                search::IndexOptions& index) {
  const json* value = find_key(entry, field.name);
  if (value == nullptr) return;
  switch (field.kind) {
    case IndexFieldKind::kString:
    case IndexFieldKind::kPath:
      index.*field.text = read_string(*value, where, field.name);
      break;
    case IndexFieldKind::kBool:
      CLIPRET_CHECK(value->is_boolean(), InvalidInput, "%s: %s must be true or false",
                    where.c_str(), field.name);
      index.*field.flag = value->get<bool>();
      break;
    case IndexFieldKind::kStringList:
      index.*field.list = read_string_list(*value, where, field.name);
      break;
  }
}

bool is_known_key(const std::string& key) {
  if (key == "indice_folder") return true;
  for (const IndexOptionField& field : index_option_fields()) {
    if (key == field.name) return true;
  }
  return false;
}

}  // namespace

std::vector<search::IndexOptions> parse_indices_paths(const std::string& json_text,
                                                      const std::string& source,
                                                      const BackOptions& defaults) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1E999
    CLIPRET_THROW(InvalidInput, "%s: not valid JSON: %s", source.c_str(), e.what());
  }
  CLIPRET_CHECK(root.is_object() && !root.empty(), InvalidInput,
                "%s: must be a JSON object of index name -> folder (or options)", source.c_str());
  // nlohmann::json sorts object keys; file order is recovered from an ordered parse.
  const nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(json_text);
  std::vector<search::IndexOptions> indices;
  for (const auto& item : ordered.items()) {
    const std::string& name = item.key();
    const json entry = json::parse(item.value().dump());
    search::IndexOptions index = defaults.index_defaults;
    index.name = name;
    index.indice_folder.clear();
    const std::string where = source + ": index '" + name + "'";
    if (entry.is_string()) {
      index.indice_folder = entry.get<std::string>();
    } else {
      CLIPRET_CHECK(entry.is_object(), InvalidInput,
                    "%s: must be a folder path or an object of options", where.c_str());
      for (const auto& [key, value] : entry.items()) {
        CLIPRET_CHECK(is_known_key(key), InvalidInput, "%s: unknown option '%s'", where.c_str(),
                      key.c_str());
      }
      if (const json* folder = find_key(entry, "indice_folder")) {
        index.indice_folder = read_string(*folder, where, "indice_folder");
      }
      for (const IndexOptionField& field : index_option_fields()) {
        read_field(entry, where, field, index);
      }
      CLIPRET_CHECK(!index.indice_folder.empty(), InvalidInput, "%s: indice_folder is missing",
                    where.c_str());
    }
    indices.push_back(std::move(index));
  }
  return indices;
}

namespace {

constexpr double kMaxTimeoutSeconds = 86400;

std::chrono::milliseconds timeout_option(const char* name, double seconds) {
  CLIPRET_CHECK(std::isfinite(seconds) && seconds > 0 && seconds <= kMaxTimeoutSeconds,
                InvalidInput, "%s must be a number of seconds above 0 and at most %g, got %g", name,
                kMaxTimeoutSeconds, seconds);
  return std::chrono::milliseconds(std::max<int64_t>(1, std::llround(seconds * 1000)));
}

}  // namespace

ConnectionLimits connection_limits(const BackOptions& options) {
  CLIPRET_CHECK(options.http_threads >= 1, InvalidInput,
                "http_threads must be at least 1, got %lld",
                static_cast<long long>(options.http_threads));
  CLIPRET_CHECK(options.http_max_header_bytes >= 1024, InvalidInput,
                "http_max_header_bytes must be at least 1024, got %lld",
                static_cast<long long>(options.http_max_header_bytes));
  ConnectionLimits limits;
  limits.threads = static_cast<size_t>(options.http_threads);
  limits.header_timeout = timeout_option("http_header_timeout", options.http_header_timeout);
  limits.body_timeout = timeout_option("http_body_timeout", options.http_body_timeout);
  limits.write_timeout = timeout_option("http_write_timeout", options.http_write_timeout);
  limits.keep_alive_timeout =
      timeout_option("http_keep_alive_timeout", options.http_keep_alive_timeout);
  limits.max_header_bytes = static_cast<size_t>(options.http_max_header_bytes);
  return limits;
}

std::vector<search::IndexOptions> load_indices_paths(const BackOptions& options) {
  std::ifstream in(options.indices_paths, std::ios::binary);
  CLIPRET_CHECK(static_cast<bool>(in), NotFound, "%s: cannot open indices_paths",
                options.indices_paths.c_str());
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_indices_paths(text, options.indices_paths, options);
}

}  // namespace clipret::back
