// The `clip-retrieval` binary: dispatches to a subcommand, and is the one place where a
// clipret::Error becomes a message on stderr and an exit code.
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/option_table.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/log.h"
#include "core/process_memory.h"

namespace {

constexpr const char* kVersion = "0.1.0";

int exit_code(clipret::ErrorKind kind) {
  switch (kind) {
    case clipret::ErrorKind::kInvalidInput:
      return 2;
    case clipret::ErrorKind::kNotFound:
      return 3;
    case clipret::ErrorKind::kIo:
      return 4;
    case clipret::ErrorKind::kCorrupt:
      return 5;
    case clipret::ErrorKind::kUnsupported:
      return 6;
    case clipret::ErrorKind::kInternal:
      break;
  }
  return 70;
}

void print_usage() {
  std::printf(
      "Usage: clip-retrieval <command> [options]\n\n"
      "Compute CLIP embeddings of images and captions, build faiss indices of them within a\n"
      "memory budget, and serve semantic search over them (HTTP API) or filter them.\n\n"
      "Commands:\n");
  for (const auto& command : clipret::cli::commands()) {
    std::printf("  %-15s %s\n", command.name, command.summary);
  }
  std::printf(
      "\nRun `clip-retrieval <command> --help` for the options of a command.\n"
      "Global options: --verbose (debug logging), --quiet (warnings and errors only), "
      "--version.\n");
}

// Removes --verbose / --quiet (valid with every command) and applies them. Like every bool
// option they take a value or none: `--quiet`, `--quiet True`, `--quiet=false`.
std::vector<std::string> take_global_options(std::vector<std::string> args) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string name = arg;
    std::optional<bool> value;
    const size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      name = arg.substr(0, equals);
      value = clipret::cli::parse_bool_literal(arg.substr(equals + 1));
      if (!value) {
        rest.push_back(arg);  // not a bool: the command's parser reports it
        continue;
      }
    }
    if (name != "--verbose" && name != "--quiet") {
      rest.push_back(arg);
      continue;
    }
    if (!value && i + 1 < args.size()) {
      value = clipret::cli::parse_bool_literal(args[i + 1]);
      if (value) ++i;
    }
    if (!value.value_or(true)) continue;
    clipret::core::set_log_level(name == "--verbose" ? clipret::core::LogLevel::kDebug
                                                     : clipret::core::LogLevel::kWarn);
  }
  return rest;
}

}  // namespace

int main(int argc, char** argv) {
  clipret::core::keep_freed_memory_for_reuse();
  clipret::core::report_file_size_limit_as_errors();
  std::vector<std::string> args =
      take_global_options(std::vector<std::string>(argv + 1, argv + argc));
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage();
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::printf("clip-retrieval %s\n", kVersion);
    return 0;
  }
  const std::string name = args[0];
  const clipret::cli::Command* command = nullptr;
  std::string closest;
  size_t closest_distance = SIZE_MAX;
  for (const auto& candidate : clipret::cli::commands()) {
    if (name == candidate.name) command = &candidate;
    const size_t d = clipret::cli::edit_distance(name, candidate.name);
    if (d < closest_distance) {
      closest_distance = d;
      closest = candidate.name;
    }
  }
  if (command == nullptr) {
    std::fprintf(stderr, "clip-retrieval: unknown command '%s'%s\nRun `clip-retrieval --help`.\n",
                 name.c_str(),
                 closest_distance <= 3 ? (" (did you mean '" + closest + "'?)").c_str() : "");
    return 2;
  }
  try {
    return command->run(std::vector<std::string>(args.begin() + 1, args.end()));
  } catch (const clipret::Error& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "clip-retrieval %s: error: %s\n", command->name, e.what());
    return exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "clip-retrieval %s: internal error: %s\n", command->name, e.what());
    return 70;
  }
}
