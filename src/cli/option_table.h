// cli/option_table.h: one declaration per option, python-fire's argument rules.
//
// Each subcommand binds its options to the fields of the library's Options struct, so defaults
// live in one place (the struct) and `--help` shows them. Parsing follows the original's fire
// rules: `--name value` and `--name=value`; `_` and `-` interchangeable; booleans accept
// True/False/true/false/1/0 and a bare `--flag` means true (`--noflag` false); lists as Python/JSON
// literals ('["a","b"]'); `None` where the default is None; the remaining bare words fill the
// options not given by name, in declaration order.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace clipret::cli {

enum class OptionType { kString, kInt, kFloat, kBool, kStringList };

struct OptionSpec {
  std::string name;  // the Python name, with underscores
  OptionType type = OptionType::kString;
  std::string default_text;  // as shown by --help, e.g. `256`, `None`, `"files"`, `True`
  std::string help;          // one or two sentences: meaning, units, accepted values
  bool required = false;     // must be given (by name or position)
  bool nullable = false;     // accepts None
  // Called with the raw value text; throws Error(kInvalidInput) for a value of the wrong shape.
  std::function<void(const std::string& value)> assign;
  bool repeated = false;  // may be given several times; each value is appended
};

class OptionTable {
 public:
  // `command` is the full command line prefix shown in help ("clip-retrieval inference").
  OptionTable(std::string command, std::string summary);

  // Binds an option to a field; the field's current value is the default shown in --help.
  void add_string(const std::string& name, std::string* field, const std::string& help,
                  bool required = false);
  void add_optional_string(const std::string& name, std::optional<std::string>* field,
                           const std::string& help);
  // A string whose empty value stands for None (shown as the default when the field is empty):
  // None and "" both leave the field empty.
  void add_string_or_none(const std::string& name, std::string* field, const std::string& help);
  void add_int(const std::string& name, int64_t* field, const std::string& help);
  void add_optional_int(const std::string& name, std::optional<int64_t>* field,
                        const std::string& help);
  void add_float(const std::string& name, double* field, const std::string& help);
  void add_optional_float(const std::string& name, std::optional<double>* field,
                          const std::string& help);
  void add_bool(const std::string& name, bool* field, const std::string& help);
  // --precision fp32|bf16 of the commands that run CLIP (the help is the same for all of them).
  void add_precision(std::string* field);
  // A string or a list of strings ('["a.tar","b.tar"]'); required options have no default.
  void add_string_list(const std::string& name, std::vector<std::string>* field,
                       const std::string& help, bool required = false);

  // A list of strings, or None (the default when the field is empty): None leaves it nullopt,
  // '[]' an empty list (img2dataset's disallowed_header_directives tells them apart).
  void add_optional_string_list(const std::string& name,
                                std::optional<std::vector<std::string>>* field,
                                const std::string& help);
  // An option that may be given several times (`--text a --text b`), each value appended to
  // `field`; a list literal appends all its items. Never filled by position.
  void add_repeated_string(const std::string& name, std::vector<std::string>* field,
                           const std::string& help);

  // Parses the arguments after the subcommand name. Throws Error(kInvalidInput) naming the
  // option for unknown names (with the closest valid one), missing values, bad values, missing
  // required options and surplus positional words. Returns false when help was asked for
  // (`--help`/`-h`): the caller prints help() and exits 0.
  bool parse(const std::vector<std::string>& args);

  // True when the option was given on the command line (by name or position).
  bool was_given(const std::string& name) const;

  // The options given on the command line as `--name=value` words, in the order given, except
  // those named in `exclude` (to re-launch the same command elsewhere, e.g. under srun).
  std::vector<std::string> given_arguments(const std::vector<std::string>& exclude) const;

  std::string help() const;
  const std::vector<OptionSpec>& options() const { return options_; }
  const std::string& command() const { return command_; }

 private:
  void add(OptionSpec spec);
  const OptionSpec* find(const std::string& normalized_name) const;
  std::string suggestion(const std::string& name) const;

  std::string command_;
  std::string summary_;
  std::vector<OptionSpec> options_;
  std::vector<std::string> given_;
  std::vector<std::pair<std::string, std::string>> given_values_;  // (name, raw value) in order
};

// Python-literal helpers, exposed for tests.
// Parses True/False/true/false/1/0; nullopt for anything else.
std::optional<bool> parse_bool_literal(const std::string& text);
// "a" → {"a"}; '["a", 'b']' → {"a","b"}; throws Error(kInvalidInput) on a malformed list.
std::vector<std::string> parse_string_list_literal(const std::string& text);
// Edit distance between two option names, for suggestions.
size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace clipret::cli
