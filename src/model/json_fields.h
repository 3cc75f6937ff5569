// model/json_fields.h: typed, defaulted reads of config-file fields, with errors naming the
// file and field (shared by the Hugging Face and OpenCLIP config parsers).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace clipret::model {

// Parses the JSON file at `path`: Error(kNotFound) when missing, Error(kCorrupt) when not JSON.
nlohmann::json read_json_file(const std::string& path);
// Parses `text`; `source` names it in the Error(kCorrupt).
nlohmann::json parse_json_text(const std::string& text, const std::string& source);

// obj[key] as an integer, `fallback` when absent or null; Error(kCorrupt) "source: key" when of
// another type. `obj` itself may be null (every field absent).
int64_t json_int(const nlohmann::json& obj, const char* key, int64_t fallback,
                 const std::string& source);
double json_number(const nlohmann::json& obj, const char* key, double fallback,
                   const std::string& source);
bool json_bool(const nlohmann::json& obj, const char* key, bool fallback,
               const std::string& source);
std::string json_string(const nlohmann::json& obj, const char* key, const std::string& fallback,
                        const std::string& source);

}  // namespace clipret::model
