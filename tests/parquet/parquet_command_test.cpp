// `clip-retrieval parquet cat|schema`, run as the real binary. Skipped while the binary has no
// `parquet` command.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "test_util.h"

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

CommandResult run(const std::string& args) {
  const std::string command = std::string(CLIPRET_BINARY) + " " + args + " 2>/dev/null";
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[65536];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool has_parquet_command() {
  return run("parquet --help").exit_code == 0;
}

std::string fixture(const std::string& name) {
  return clipret::testing::fixture_path("parquet/" + name);
}

TEST(ParquetCommandTest, CatPrintsExpectedJsonLines) {
  if (!has_parquet_command()) GTEST_SKIP() << "no `parquet` command in " << CLIPRET_BINARY;
  const std::string expected = clipret::testing::read_file(fixture("expected.jsonl"));
  for (const char* file : {"default_snappy.parquet", "page_v2.parquet", "zstd.parquet",
                           "many_rowgroups_small_pages.parquet"}) {
    const CommandResult r = run("parquet cat " + fixture(file));
    EXPECT_EQ(r.exit_code, 0) << file;
    EXPECT_TRUE(r.out == expected) << file;
  }
}

TEST(ParquetCommandTest, CatProjectsAndLimits) {
  if (!has_parquet_command()) GTEST_SKIP() << "no `parquet` command in " << CLIPRET_BINARY;
  const CommandResult r =
      run("parquet cat " + fixture("gzip.parquet") + " --columns ok,key --limit 2");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "{\"ok\": false, \"key\": \"000000000\"}\n{\"ok\": true, \"key\": \"000000001\"}\n");
}

TEST(ParquetCommandTest, SchemaDescribesColumnsAndRowGroups) {
  if (!has_parquet_command()) GTEST_SKIP() << "no `parquet` command in " << CLIPRET_BINARY;
  const CommandResult r = run("parquet schema " + fixture("many_rowgroups_small_pages.parquet"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("rows: 3000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("caption: BYTE_ARRAY STRING, optional"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("row group 0:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("min \"000000000\""), std::string::npos) << r.out;
}

TEST(ParquetCommandTest, ErrorsGiveExitCodes) {
  if (!has_parquet_command()) GTEST_SKIP() << "no `parquet` command in " << CLIPRET_BINARY;
  EXPECT_EQ(run("parquet cat /nonexistent.parquet").exit_code, 3);          // not found
  EXPECT_EQ(run("parquet cat " + fixture("expected.jsonl")).exit_code, 5);  // corrupt
  EXPECT_EQ(run("parquet cat " + fixture("zstd.parquet") + " --columns nope").exit_code, 2);
  EXPECT_EQ(run("parquet frobnicate x").exit_code, 2);
}

}  // namespace
