#include "cli/option_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "core/error.h"

namespace clipret::cli {
namespace {

std::string normalize(std::string name) {
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

std::string quote(const std::string& text) {
  return "\"" + text + "\"";
}

std::string list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

std::string float_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

bool is_none(const std::string& text) {
  return text == "None";
}

int64_t parse_int(const std::string& option, const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c != '_') digits += c;
  }
  int64_t value = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (ec == std::errc() && ptr == end && !digits.empty()) return value;
  // fire turns `1e6` into a float; accept it where it is a whole number, as the original would.
  double real = 0;
  auto [fptr, fec] = std::from_chars(digits.data(), end, real);
  if (fec == std::errc() && fptr == end && !digits.empty() && std::isfinite(real) &&
      real == std::floor(real) && std::fabs(real) < 9.0e18) {
    return static_cast<int64_t>(real);
  }
  CLIPRET_THROW(InvalidInput, "--%s: expected an integer, got '%s'", option.c_str(), text.c_str());
}

double parse_float(const std::string& option, const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  CLIPRET_CHECK(ec == std::errc() && ptr == end && !text.empty(), InvalidInput,
                "--%s: expected a number, got '%s'", option.c_str(), text.c_str());
  return value;
}

bool parse_bool(const std::string& option, const std::string& text) {
  const auto value = parse_bool_literal(text);
  CLIPRET_CHECK(value.has_value(), InvalidInput,
                "--%s: expected a boolean (True/False/true/false/1/0), got '%s'", option.c_str(),
                text.c_str());
  return *value;
}

}  // namespace

std::optional<bool> parse_bool_literal(const std::string& text) {
  if (text == "True" || text == "true" || text == "1") return true;
  if (text == "False" || text == "false" || text == "0") return false;
  return std::nullopt;
}

std::vector<std::string> parse_string_list_literal(const std::string& text) {
  size_t pos = text.find_first_not_of(" \t\n");
  if (pos == std::string::npos || text[pos] != '[') return {text};
  auto fail = [&](const char* what) {
    CLIPRET_THROW(InvalidInput, "malformed list '%s': %s at character %zu", text.c_str(), what,
                  pos + 1);
  };
  auto skip_space = [&] {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  };
  std::vector<std::string> items;
  ++pos;
  skip_space();
  while (pos < text.size() && text[pos] != ']') {
    const char q = text[pos];
    if (q != '"' && q != '\'') fail("expected a quoted string");
    std::string item;
    ++pos;
    while (pos < text.size() && text[pos] != q) {
      if (text[pos] == '\\' && pos + 1 < text.size()) {
        const char e = text[++pos];
        item += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        item += text[pos];
      }
      ++pos;
    }
    if (pos >= text.size()) fail("unterminated string");
    ++pos;
    items.push_back(std::move(item));
    skip_space();
    if (pos < text.size() && text[pos] == ',') {
      ++pos;
      skip_space();
    } else if (pos < text.size() && text[pos] != ']') {
      fail("expected ',' or ']'");
    }
  }
  if (pos >= text.size()) fail("missing ']'");
  ++pos;
  skip_space();
  if (pos != text.size()) fail("text after ']'");
  return items;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

OptionTable::OptionTable(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {}

void OptionTable::add(OptionSpec spec) {
  if (find(spec.name) != nullptr) {
    CLIPRET_THROW(Internal, "%s: option --%s declared twice", command_.c_str(), spec.name.c_str());
  }
  options_.push_back(std::move(spec));
}

void OptionTable::add_string(const std::string& name, std::string* field, const std::string& help,
                             bool required) {
  add({name, OptionType::kString, required ? "" : quote(*field), help, required, false,
       [field](const std::string& v) { *field = v; }});
}

void OptionTable::add_optional_string(const std::string& name, std::optional<std::string>* field,
                                      const std::string& help) {
  add({name, OptionType::kString, *field ? quote(**field) : "None", help, false, true,
       [field](const std::string& v) {
         if (is_none(v)) {
           field->reset();
         } else {
           *field = v;
         }
       }});
}

void OptionTable::add_string_or_none(const std::string& name, std::string* field,
                                     const std::string& help) {
  add({name, OptionType::kString, field->empty() ? "None" : quote(*field), help, false, true,
       [field](const std::string& v) { *field = is_none(v) ? "" : v; }});
}

void OptionTable::add_int(const std::string& name, int64_t* field, const std::string& help) {
  add({name, OptionType::kInt, std::to_string(*field), help, false, false,
       [field, name](const std::string& v) { *field = parse_int(name, v); }});
}

void OptionTable::add_optional_int(const std::string& name, std::optional<int64_t>* field,
                                   const std::string& help) {
  add({name, OptionType::kInt, *field ? std::to_string(**field) : "None", help, false, true,
       [field, name](const std::string& v) {
         if (is_none(v)) {
           field->reset();
         } else {
           *field = parse_int(name, v);
         }
       }});
}

void OptionTable::add_float(const std::string& name, double* field, const std::string& help) {
  add({name, OptionType::kFloat, float_text(*field), help, false, false,
       [field, name](const std::string& v) { *field = parse_float(name, v); }});
}

void OptionTable::add_optional_float(const std::string& name, std::optional<double>* field,
                                     const std::string& help) {
  add({name, OptionType::kFloat, *field ? float_text(**field) : "None", help, false, true,
       [field, name](const std::string& v) {
         if (is_none(v)) {
           field->reset();
         } else {
           *field = parse_float(name, v);
         }
       }});
}

void OptionTable::add_bool(const std::string& name, bool* field, const std::string& help) {
  add({name, OptionType::kBool, *field ? "True" : "False", help, false, false,
       [field, name](const std::string& v) { *field = parse_bool(name, v); }});
}

void OptionTable::add_precision(std::string* field) {
  add_string("precision", field,
             "precision of the transformer blocks' weights: fp32, bf16 (half the memory; with "
             "AVX-512 BF16 the products too, twice as fast; elsewhere widened to fp32) or int8 "
             "(a quarter of the memory; int8 products of per-channel weights and per-token "
             "activations, AVX-512 VNNI or AVX2). docs/inference.md gives the measured accuracy");
}

void OptionTable::add_string_list(const std::string& name, std::vector<std::string>* field,
                                  const std::string& help, bool required) {
  add({name, OptionType::kStringList, required ? "" : list_text(*field), help, required, false,
       [field](const std::string& v) { *field = parse_string_list_literal(v); }});
}

void OptionTable::add_optional_string_list(const std::string& name,
                                           std::optional<std::vector<std::string>>* field,
                                           const std::string& help) {
  add({name, OptionType::kStringList, *field ? list_text(**field) : "None", help, false, true,
       [field](const std::string& v) {
         if (is_none(v)) {
           field->reset();
         } else {
           *field = parse_string_list_literal(v);
         }
       }});
}

void OptionTable::add_repeated_string(const std::string& name, std::vector<std::string>* field,
                                      const std::string& help) {
  OptionSpec spec{
      name, OptionType::kStringList, "[]", help, false, false, [field](const std::string& v) {
        for (auto& item : parse_string_list_literal(v)) field->push_back(item);
      }};
  spec.repeated = true;
  add(std::move(spec));
}

const OptionSpec* OptionTable::find(const std::string& normalized_name) const {
  for (const auto& spec : options_) {
    if (spec.name == normalized_name) return &spec;
  }
  return nullptr;
}

std::string OptionTable::suggestion(const std::string& name) const {
  const OptionSpec* best = nullptr;
  size_t best_distance = SIZE_MAX;
  for (const auto& spec : options_) {
    const size_t d = edit_distance(name, spec.name);
    if (d < best_distance) {
      best_distance = d;
      best = &spec;
    }
  }
  if (best == nullptr || best_distance > std::max<size_t>(3, name.size() / 3)) return "";
  return "; did you mean --" + best->name + "?";
}

bool OptionTable::was_given(const std::string& name) const {
  return std::find(given_.begin(), given_.end(), normalize(name)) != given_.end();
}

bool OptionTable::parse(const std::vector<std::string>& args) {
  given_.clear();
  given_values_.clear();
  std::vector<std::string> positional;
  auto assign = [&](const OptionSpec& spec, const std::string& value) {
    CLIPRET_CHECK(spec.repeated || !was_given(spec.name), InvalidInput, "--%s given twice",
                  spec.name.c_str());
    CLIPRET_CHECK(spec.nullable || !is_none(value) || spec.type == OptionType::kString,
                  InvalidInput, "--%s does not accept None", spec.name.c_str());
    spec.assign(value);
    given_.push_back(spec.name);
    given_values_.emplace_back(spec.name, value);
  };

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") return false;
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      positional.push_back(arg);
      continue;
    }
    const size_t eq = arg.find('=');
    const std::string name = normalize(arg.substr(2, eq == std::string::npos ? eq : eq - 2));
    const OptionSpec* spec = find(name);
    if (spec == nullptr && eq == std::string::npos && name.compare(0, 2, "no") == 0) {
      // fire's negation: --noenable_text (also --no_enable_text, --no-enable-text).
      std::string rest = name.substr(2);
      if (!rest.empty() && rest[0] == '_') rest.erase(0, 1);
      const OptionSpec* negated = find(rest);
      if (negated != nullptr && negated->type == OptionType::kBool) {
        assign(*negated, "False");
        continue;
      }
    }
    CLIPRET_CHECK(spec != nullptr, InvalidInput, "unknown option --%s%s", name.c_str(),
                  suggestion(name).c_str());
    if (eq != std::string::npos) {
      assign(*spec, arg.substr(eq + 1));
    } else if (spec->type == OptionType::kBool) {
      // A bare flag means True; a following boolean literal is its value.
      if (i + 1 < args.size() && parse_bool_literal(args[i + 1]).has_value()) {
        assign(*spec, args[++i]);
      } else {
        assign(*spec, "True");
      }
    } else {
      CLIPRET_CHECK(i + 1 < args.size(), InvalidInput, "--%s needs a value", name.c_str());
      assign(*spec, args[++i]);
    }
  }

  // Bare words fill the options not given by name, in declaration order (fire's rule).
  size_t next = 0;
  for (const auto& spec : options_) {
    if (next == positional.size()) break;
    if (!was_given(spec.name) && !spec.repeated) assign(spec, positional[next++]);
  }
  CLIPRET_CHECK(next == positional.size(), InvalidInput, "unexpected argument '%s'",
                positional[next].c_str());
  for (const auto& spec : options_) {
    CLIPRET_CHECK(!spec.required || was_given(spec.name), InvalidInput,
                  "missing required option --%s (%s)", spec.name.c_str(), spec.help.c_str());
  }
  return true;
}

std::vector<std::string> OptionTable::given_arguments(
    const std::vector<std::string>& exclude) const {
  std::vector<std::string> out;
  for (const auto& [name, value] : given_values_) {
    if (std::find(exclude.begin(), exclude.end(), name) == exclude.end()) {
      out.push_back("--" + name + "=" + value);
    }
  }
  return out;
}

std::string OptionTable::help() const {
  static constexpr const char* kTypeNames[] = {"str", "int", "float", "bool", "str|list"};
  std::string out = "Usage: " + command_;
  for (const auto& spec : options_) {
    if (spec.required) out += " " + spec.name;
  }
  out += " [--option value ...]\n\n" + summary_ + "\n\nOptions (`_` and `-` are interchangeable;";
  out += " `--name value` or `--name=value`;\nthe required ones may also be given by position):\n";
  for (const auto& spec : options_) {
    std::string head = "  --" + spec.name + " (" + kTypeNames[static_cast<int>(spec.type)] +
                       (spec.repeated ? ", repeatable" : "") + ")";
    head += spec.required ? "  required" : "  default: " + spec.default_text;
    out += head + "\n      " + spec.help + "\n";
  }
  out += "  --verbose (bool)  default: False\n      Log debug details.\n";
  out += "  --quiet (bool)  default: False\n      Log warnings and errors only.\n";
  return out;
}

}  // namespace clipret::cli
