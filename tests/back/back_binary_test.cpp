// The real binary: `clip-retrieval back` started as a child process on a free port, answering the
// original's end-to-end request (spec §9); `clip-retrieval filter` on the same folder.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/npy_writer.h"
#include "model/safetensors_writer.h"
#include "search/index_fixture.h"

extern char** environ;

namespace clipret::back {
namespace {

using nlohmann::json;

// `clip-retrieval back ARGS` with stderr in a file; killed and reaped on destruction.
class BackProcess {
 public:
  BackProcess(const std::vector<std::string>& args, const std::string& log) {
    std::vector<std::string> argv = {CLIPRET_BINARY, "back"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&pid_, CLIPRET_BINARY, &actions, nullptr, cargv.data(), environ) != 0)
      pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~BackProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  // The port from the "listening on http://host:port" log line; -1 when the process ended or
  // nothing came within the timeout.
  int wait_for_port(const std::string& log, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string marker = "listening on http://";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = testing::read_file(log);
      const size_t at = text.find(marker);
      const size_t colon = at == std::string::npos ? at : text.find(':', at + marker.size());
      const size_t end = colon == std::string::npos ? colon : text.find('\n', colon);
      // No std::regex: g++ 12 reports a false maybe-uninitialized in it under the sanitizers.
      if (end != std::string::npos) return std::stoi(text.substr(colon + 1, end - colon - 1));
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

TEST(BackBinary, EndToEndRequestOfTheOriginalTests) {
  testing::TempDir dir;
  const testing::IndexFixture fixture = testing::IndexFixture::build(dir, "example_index");
  testing::write_file(dir.file("indices_paths.json"),
                      json({{"example_index", fixture.folder}}).dump());
  const std::string log = dir.file("back.log");
  BackProcess back({"--port=0", "--indices_paths=" + dir.file("indices_paths.json"),
                    "--enable_mclip_option=False", "--clip_model=" + fixture.model_folder,
                    "--clip_cache_path=" + dir.file("cache")},
                   log);
  const int port = back.wait_for_port(log, std::chrono::seconds(60));
  ASSERT_GT(port, 0) << testing::read_file(log);
  httplib::Client c("127.0.0.1", port);
  const json request = {
      {"text", "cat"}, {"modality", "image"}, {"num_images", 10}, {"indice_name", "example_index"}};
  auto r = c.Post("/knn-service", request.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const json results = json::parse(r->body);
  ASSERT_EQ(results.size(), 10u);
  EXPECT_TRUE(results[0].contains("url"));
  EXPECT_TRUE(results[0].contains("similarity"));
  // Body parsed as JSON whatever the Content-Type, as Flask's get_json(force=True).
  r = c.Post("/knn-service", request.dump(), "text/plain");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// The optional resources each say in the log where they were loaded from, as the aesthetic
// vectors do, so a missing or misplaced file is visible at startup.
TEST(BackBinary, LoadedSafetyAndViolenceResourcesAreLogged) {
  testing::TempDir dir;
  const testing::IndexFixture fixture = testing::IndexFixture::build(dir, "example_index");
  const auto dim = static_cast<int64_t>(fixture.dim);
  std::vector<float> prompts(static_cast<size_t>(2 * dim), 0.5f);
  core::write_npy(dir.file("violence.npy"), core::NpyDtype::kFloat32,
                  {2, static_cast<uint64_t>(dim)}, prompts.data());
  model::write_safetensors(
      dir.file("safety.safetensors"),
      {model::SafetensorsTensorData{
           "layers.0.weight", {1, dim}, std::vector<float>(static_cast<size_t>(dim), 0.1f)},
       model::SafetensorsTensorData{"layers.0.bias", {1}, {0.0f}}});
  testing::write_file(dir.file("indices_paths.json"),
                      json({{"example_index", fixture.folder}}).dump());
  const std::string log = dir.file("back.log");
  BackProcess back(
      {"--port=0", "--indices_paths=" + dir.file("indices_paths.json"),
       "--enable_mclip_option=False", "--clip_model=" + fixture.model_folder,
       "--clip_cache_path=" + dir.file("cache"), "--provide_violence_detector=True",
       "--violence_detector_path=" + dir.file("violence.npy"), "--provide_safety_model=True",
       "--safety_model_path=" + dir.file("safety.safetensors")},
      log);
  ASSERT_GT(back.wait_for_port(log, std::chrono::seconds(60)), 0) << testing::read_file(log);
  const std::string text = testing::read_file(log);
  EXPECT_NE(text.find("example_index: violence prompts from " + dir.file("violence.npy")),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("example_index: safety model from " + dir.file("safety.safetensors")),
            std::string::npos)
      << text;
}

TEST(BackBinary, StartupErrorsNameTheProblem) {
  testing::TempDir dir;
  const testing::CommandResult missing =
      testing::run_clip_retrieval("back --port=0 --indices_paths=" + dir.file("nope.json"));
  EXPECT_EQ(missing.exit_code, 3) << missing.err;
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;
  testing::write_file(dir.file("paths.json"), R"({"x": "/does/not/exist"})");
  const testing::CommandResult no_folder =
      testing::run_clip_retrieval("back --port=0 --indices_paths=" + dir.file("paths.json"));
  EXPECT_NE(no_folder.exit_code, 0);
  EXPECT_NE(no_folder.err.find("/does/not/exist"), std::string::npos) << no_folder.err;
}

TEST(FilterBinary, CopiesAndPrints) {
  testing::TempDir dir;
  const testing::IndexFixture fixture = testing::IndexFixture::build(dir, "index");
  const testing::CommandResult result = testing::run_clip_retrieval(
      "filter cat '" + dir.file("out") + "' '" + fixture.folder + "' --num_results=5 " +
      "--clip_model='" + fixture.model_folder + "' --clip_cache_path='" + dir.file("cache") + "'");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Found 5 items with query 'cat'"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("https://example.com/"), std::string::npos);
}

}  // namespace
}  // namespace clipret::back

namespace clipret::back {
namespace {

TEST(BackBinary, HelpListsTheOriginalOptionsAndBadValuesAreRejected) {
  const testing::CommandResult help = testing::run_clip_retrieval("back --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option :
       {"--indices_paths", "--port", "--enable_hdf5", "--enable_faiss_memory_mapping",
        "--columns_to_return", "--reorder_metadata_by_ivf_index", "--default_backend",
        "--url_column", "--enable_mclip_option", "--clip_model", "--use_jit", "--use_arrow",
        "--provide_safety_model", "--provide_violence_detector", "--provide_aesthetic_embeddings",
        "--allow_private_urls"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option;
  }
  const testing::CommandResult bad = testing::run_clip_retrieval("back --port=abc");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("port"), std::string::npos);
  const testing::CommandResult typo = testing::run_clip_retrieval("back --enable_hfd5=True");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("enable_hdf5"), std::string::npos) << typo.err;
  const testing::CommandResult filter = testing::run_clip_retrieval("filter --help");
  EXPECT_EQ(filter.exit_code, 0);
  EXPECT_NE(filter.out.find("--threshold"), std::string::npos);
  EXPECT_EQ(testing::run_clip_retrieval("filter onlyquery").exit_code, 2);
}

}  // namespace
}  // namespace clipret::back
