// cli/command.h: the subcommands of the `clip-retrieval` binary.
//
// Each subcommand lives in cli/<name>_command.cpp: an option table that fills the library's
// Options struct, then one library call. main() dispatches and converts errors to exit codes.
#pragma once

#include <string>
#include <vector>

#include "cli/option_table.h"

namespace clipret::cli {

// Runs a subcommand on the arguments that follow its name. Returns the exit code; throws
// clipret::Error, which main() reports.
using CommandFunction = int (*)(const std::vector<std::string>& args);
// The option tables a command parses (two for `parquet`: cat and schema), bound to default
// values that live as long as the program: what `--help` shows, and what tests walk.
using CommandTables = std::vector<OptionTable> (*)();

struct Command {
  const char* name;
  const char* summary;  // one line for `clip-retrieval --help`
  CommandTables tables;
  CommandFunction run;
};

// All subcommands, in the order `--help` lists them.
const std::vector<Command>& commands();

// Parses `args` into `table`'s fields. On `--help` prints the table's help to stdout and returns
// false: the command then exits 0.
bool parse_or_show_help(OptionTable& table, const std::vector<std::string>& args);

int run_download_command(const std::vector<std::string>& args);
int run_end2end_command(const std::vector<std::string>& args);
int run_inference_command(const std::vector<std::string>& args);
int run_parquet_command(const std::vector<std::string>& args);
int run_encode_command(const std::vector<std::string>& args);
int run_index_command(const std::vector<std::string>& args);
int run_index_combiner_command(const std::vector<std::string>& args);
int run_back_command(const std::vector<std::string>& args);
int run_filter_command(const std::vector<std::string>& args);
int run_front_command(const std::vector<std::string>& args);

std::vector<OptionTable> download_tables();
std::vector<OptionTable> end2end_tables();
std::vector<OptionTable> inference_tables();
std::vector<OptionTable> parquet_tables();
std::vector<OptionTable> encode_tables();
std::vector<OptionTable> index_tables();
std::vector<OptionTable> index_combiner_tables();
std::vector<OptionTable> back_tables();
std::vector<OptionTable> filter_tables();
std::vector<OptionTable> front_tables();

}  // namespace clipret::cli
