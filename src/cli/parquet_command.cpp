// `clip-retrieval parquet cat|schema FILE`: inspect Parquet files (metadata, shards, outputs).
//
//   clip-retrieval parquet cat FILE [--columns a,b] [--limit N]   rows as JSON lines on stdout
//   clip-retrieval parquet schema FILE                            columns and row groups
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/option_table.h"
#include "core/error.h"
#include "parquet/json_lines.h"
#include "parquet/schema_description.h"

namespace clipret::cli {

namespace {

constexpr const char* kUsage =
    "Usage: clip-retrieval parquet <cat|schema> FILE [options]\n\n"
    "  cat FILE [--columns a,b] [--limit N]  print rows as JSON lines (nulls as null)\n"
    "  schema FILE                           print the schema, row groups and statistics\n";

std::vector<std::string> split_columns(const std::string& text) {
  std::vector<std::string> columns;
  std::stringstream in(text);
  std::string name;
  while (std::getline(in, name, ',')) {
    if (!name.empty()) columns.push_back(name);
  }
  return columns;
}

struct CatArguments {
  std::string path;
  std::string columns;
  int64_t limit = -1;
};

OptionTable cat_table(CatArguments& a) {
  OptionTable table("clip-retrieval parquet cat",
                    "Print the rows of a Parquet file as JSON lines: one object per row, nulls "
                    "as null, floats round-trippable.");
  table.add_string("file", &a.path, "the Parquet file", /*required=*/true);
  table.add_string("columns", &a.columns,
                   "comma-separated columns to print, in this order; empty prints all");
  table.add_int("limit", &a.limit, "rows to print at most; -1 prints all");
  return table;
}

OptionTable schema_table(std::string& path) {
  OptionTable table("clip-retrieval parquet schema",
                    "Print a Parquet file's columns, key-value metadata keys and row groups "
                    "(codec, encodings, sizes, null counts, min/max per column chunk).");
  table.add_string("file", &path, "the Parquet file", /*required=*/true);
  return table;
}

int run_cat(const std::vector<std::string>& args) {
  CatArguments a;
  OptionTable table = cat_table(a);
  if (!parse_or_show_help(table, args)) return 0;
  parquet::CatOptions options;
  options.columns = split_columns(a.columns);
  options.limit = a.limit;
  std::ios::sync_with_stdio(false);
  parquet::write_json_lines(a.path, options, std::cout);
  std::cout.flush();
  CLIPRET_CHECK(std::cout.good(), Io, "cannot write to stdout");
  return 0;
}

int run_schema(const std::vector<std::string>& args) {
  std::string path;
  OptionTable table = schema_table(path);
  if (!parse_or_show_help(table, args)) return 0;
  parquet::describe_parquet_file(path, std::cout);
  std::cout.flush();
  return 0;
}

}  // namespace

std::vector<OptionTable> parquet_tables() {
  static CatArguments cat_defaults;
  static std::string schema_path;
  return {cat_table(cat_defaults), schema_table(schema_path)};
}

int run_parquet_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, stdout);
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "cat") return run_cat(rest);
  if (args[0] == "schema") return run_schema(rest);
  CLIPRET_THROW(InvalidInput, "parquet: unknown action '%s' (expected cat or schema)",
                args[0].c_str());
}

}  // namespace clipret::cli
