// Walks every command's option tables through the registry (cli/command.h): each option is
// documented, named as the original names options, shown by the binary's --help, and refuses a
// value of the wrong type naming itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "cli/command.h"
#include "core/error.h"
#include "test_util.h"

namespace clipret::cli {
namespace {

TEST(CommandRegistryTest, EveryCommandHasASummaryAndTables) {
  std::set<std::string> names;
  for (const Command& command : commands()) {
    EXPECT_TRUE(names.insert(command.name).second) << command.name;
    EXPECT_GT(std::string(command.summary).size(), 10u) << command.name;
    const std::vector<OptionTable> tables = command.tables();
    ASSERT_FALSE(tables.empty()) << command.name;
    for (const OptionTable& table : tables) {
      EXPECT_EQ(table.command().rfind(std::string("clip-retrieval ") + command.name, 0), 0u)
          << table.command();
    }
  }
}

TEST(CommandRegistryTest, EveryOptionIsDocumentedAndSnakeCase) {
  const auto snake_case = [](const std::string& name) {
    return !name.empty() && std::islower(static_cast<unsigned char>(name[0])) &&
           std::all_of(name.begin(), name.end(), [](char c) {
             return std::islower(static_cast<unsigned char>(c)) ||
                    std::isdigit(static_cast<unsigned char>(c)) || c == '_';
           });
  };
  for (const Command& command : commands()) {
    for (const OptionTable& table : command.tables()) {
      std::set<std::string> seen;
      const std::string help = table.help();
      for (const OptionSpec& spec : table.options()) {
        const std::string where = table.command() + " --" + spec.name;
        EXPECT_TRUE(seen.insert(spec.name).second) << where << " declared twice";
        EXPECT_TRUE(snake_case(spec.name)) << where;
        EXPECT_GT(spec.help.size(), 8u) << where << ": no help";
        EXPECT_NE(help.find("--" + spec.name), std::string::npos) << where << " not in --help";
      }
    }
  }
}

TEST(CommandRegistryTest, WrongTypesAreRefusedNamingTheOption) {
  for (const Command& command : commands()) {
    for (OptionTable table : command.tables()) {
      for (const OptionSpec& spec : table.options()) {
        const char* bad = nullptr;
        if (spec.type == OptionType::kInt) bad = "not-a-number";
        if (spec.type == OptionType::kFloat) bad = "1.5x";
        if (spec.type == OptionType::kBool) bad = "maybe";
        if (bad == nullptr) continue;
        const std::string where = table.command() + " --" + spec.name;
        try {
          // `--flag value` would be a bare flag and a positional word (fire's rule): use `=`.
          table.parse({"--" + spec.name + "=" + bad});
          ADD_FAILURE() << where << " accepted '" << bad << "'";
        } catch (const Error& e) {
          EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput) << where;
          EXPECT_NE(std::string(e.what()).find(spec.name), std::string::npos)
              << where << ": " << e.what();
        }
      }
    }
  }
}

// The binary's --help of each command is its table's help.
TEST(CommandRegistryTest, BinaryHelpIsTheTablesHelp) {
  for (const Command& command : commands()) {
    for (const OptionTable& table : command.tables()) {
      const std::string words = table.command().substr(std::string("clip-retrieval ").size());
      const auto result = testing::run_clip_retrieval(words + " --help");
      EXPECT_EQ(result.exit_code, 0) << words;
      EXPECT_EQ(result.out, table.help()) << words;
    }
  }
}

}  // namespace
}  // namespace clipret::cli
