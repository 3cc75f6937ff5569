#include "hub/http_download.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "local_hub_server.h"
#include "test_util.h"

namespace clipret::hub {
namespace {

namespace fs = std::filesystem;

DownloadOptions quiet() {
  DownloadOptions options;
  options.show_progress = false;
  options.connect_timeout_seconds = 5;
  return options;
}

std::string payload() {
  std::string bytes;
  for (int i = 0; i < 300000; ++i) bytes += static_cast<char>(i * 7 % 251);
  return bytes;
}

class HttpDownloadTest : public ::testing::Test {
 protected:
  HttpDownloadTest() {
    testing::write_file(repo_.file("weights.bin"), payload());
    server_.add_repo("org/model", repo_.path().string());
  }
  std::string url(const std::string& file) {
    return server_.endpoint() + "/org/model/resolve/main/" + file;
  }

  testing::TempDir repo_;
  testing::TempDir out_;
  testing::LocalHubServer server_;
};

TEST_F(HttpDownloadTest, DownloadsWholeFileAtomically) {
  const std::string dest = out_.file("sub/weights.bin");
  EXPECT_EQ(download_file(url("weights.bin"), dest, quiet()), DownloadStatus::kDone);
  EXPECT_EQ(testing::read_file(dest), payload());
  EXPECT_FALSE(fs::exists(dest + ".part"));
}

TEST_F(HttpDownloadTest, ResumesFromAPartialFile) {
  const std::string dest = out_.file("weights.bin");
  const std::string bytes = payload();
  testing::write_file(dest + ".part", bytes.substr(0, 123457));
  EXPECT_EQ(download_file(url("weights.bin"), dest, quiet()), DownloadStatus::kDone);
  EXPECT_EQ(testing::read_file(dest), bytes);
}

TEST_F(HttpDownloadTest, CompletePartFileIsRenamed) {
  const std::string dest = out_.file("weights.bin");
  testing::write_file(dest + ".part", payload());
  EXPECT_EQ(download_file(url("weights.bin"), dest, quiet()), DownloadStatus::kDone);
  EXPECT_EQ(testing::read_file(dest), payload());
}

TEST_F(HttpDownloadTest, MissingFileIsNotFoundAndLeavesNothing) {
  const std::string dest = out_.file("nope.bin");
  EXPECT_EQ(download_file(url("nope.bin"), dest, quiet()), DownloadStatus::kNotFound);
  EXPECT_FALSE(fs::exists(dest));
  EXPECT_FALSE(fs::exists(dest + ".part"));
}

TEST(HttpDownloadOfflineTest, UnreachableServerIsAClearError) {
  testing::TempDir out;
  // Port 1 on loopback: nothing listens there, the connection is refused at once.
  try {
    download_file("http://127.0.0.1:1/org/model/resolve/main/config.json", out.file("config.json"),
                  quiet());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    const std::string message = e.what();
    EXPECT_NE(message.find("http://127.0.0.1:1/org/model"), std::string::npos) << message;
    EXPECT_NE(message.find("offline?"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(out.file("config.json")));
}

}  // namespace
}  // namespace clipret::hub
