// cli/command.h: the subcommands of the `clip-retrieval` binary.
//
// Each subcommand lives in cli/<name>_command.cpp: an option table that fills the library's
// Options struct, then one library call. main() dispatches and converts errors to exit codes.
#pragma once

#include <string>
#include <vector>

namespace clipret::cli {

// Runs a subcommand on the arguments that follow its name. Returns the exit code; throws
// clipret::Error, which main() reports.
using CommandFunction = int (*)(const std::vector<std::string>& args);

struct Command {
  const char* name;
  const char* summary;  // one line for `clip-retrieval --help`
  CommandFunction run;
};

// All subcommands, in the order `--help` lists them.
const std::vector<Command>& commands();

int run_inference_command(const std::vector<std::string>& args);
int run_parquet_command(const std::vector<std::string>& args);
int run_encode_command(const std::vector<std::string>& args);
int run_index_command(const std::vector<std::string>& args);
int run_index_combiner_command(const std::vector<std::string>& args);
int run_back_command(const std::vector<std::string>& args);
int run_filter_command(const std::vector<std::string>& args);

}  // namespace clipret::cli
