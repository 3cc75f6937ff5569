#include "core/pipe_stream.h"

#include <dirent.h>
#include <signal.h>
#include <sys/types.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "core/error.h"
#include "core/stream.h"
#include "test_util.h"

namespace clipret::core {
namespace {

using clipret::testing::read_file;
using clipret::testing::TempDir;
using clipret::testing::write_file;

int count_open_fds() {
  int count = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  while (::readdir(dir) != nullptr) ++count;
  ::closedir(dir);
  return count;
}

TEST(PipeStreamTest, CatFile) {
  TempDir dir;
  const std::string path = dir.file("data.bin");
  const std::string bytes(300000, 'z');
  write_file(path, bytes);
  const int fds_before = count_open_fds();
  {
    auto stream = open_input_stream("pipe:cat '" + path + "'");
    EXPECT_EQ(stream->name(), "pipe:cat '" + path + "'");
    EXPECT_EQ(read_all(*stream), bytes);
    char c;
    EXPECT_EQ(stream->read(&c, 1), 0u);
  }
  EXPECT_EQ(count_open_fds(), fds_before);
}

TEST(PipeStreamTest, Printf) {
  auto stream = open_input_stream("pipe:printf 'a\\nb %s' x");
  EXPECT_EQ(read_all(*stream), "a\nb x");
}

TEST(PipeStreamTest, StdinIsNotInherited) {
  auto stream = open_input_stream("pipe:cat");
  EXPECT_EQ(read_all(*stream), "");
}

TEST(PipeStreamTest, FailingCommandReportsStatusAndStderr) {
  const std::string command = "printf partial; echo 'bucket not found' >&2; exit 3";
  auto stream = open_input_stream("pipe:" + command);
  char buffer[64];
  std::string got;
  try {
    for (;;) {
      const size_t n = stream->read(buffer, sizeof(buffer));
      if (n == 0) break;
      got.append(buffer, n);
    }
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    const std::string message = e.what();
    EXPECT_NE(message.find(command), std::string::npos) << message;
    EXPECT_NE(message.find("status 3"), std::string::npos) << message;
    EXPECT_NE(message.find("bucket not found"), std::string::npos) << message;
  }
  EXPECT_EQ(got, "partial");
  // Later reads keep failing rather than looking like a clean end.
  EXPECT_THROW(stream->read(buffer, sizeof(buffer)), Error);
}

TEST(PipeStreamTest, StderrTailIsBounded) {
  // 20 KB of stderr, ending with a marker: only the tail is kept.
  auto stream = open_input_stream(
      "pipe:i=0; while [ $i -lt 1000 ]; do echo 'noise noise noise' >&2; i=$((i+1)); done; "
      "echo END-MARKER >&2; exit 1");
  try {
    read_all(*stream);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("END-MARKER"), std::string::npos);
    EXPECT_LT(message.size(), 3000u);
    EXPECT_NE(message.find("status 1"), std::string::npos);
  }
}

TEST(PipeStreamTest, MissingCommandFails) {
  auto stream = open_input_stream("pipe:clipret-no-such-command-xyz");
  try {
    read_all(*stream);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("127"), std::string::npos) << e.what();
  }
}

TEST(PipeStreamTest, EarlyDestroyKillsAndReapsChild) {
  TempDir dir;
  const std::string pid_file = dir.file("pid");
  const int fds_before = count_open_fds();
  {
    auto stream = open_input_stream("pipe:echo $$ > '" + pid_file + "'; exec yes");
    char buffer[4096];
    size_t total = 0;
    while (total < 100000) {
      const size_t n = stream->read(buffer, sizeof(buffer));
      ASSERT_GT(n, 0u);
      total += n;
    }
    EXPECT_EQ(buffer[0], 'y');
  }
  const pid_t pid = static_cast<pid_t>(std::stol(read_file(pid_file)));
  ASSERT_GT(pid, 0);
  // Reaped: no process (not even a zombie) is left with that pid.
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_EQ(count_open_fds(), fds_before);
}

TEST(PipeStreamTest, DestroyBeforeAnyRead) {
  const int fds_before = count_open_fds();
  { auto stream = open_input_stream("pipe:sleep 30"); }
  EXPECT_EQ(count_open_fds(), fds_before);
}

}  // namespace
}  // namespace clipret::core
