// The real binary: `clip-retrieval back` started as a child process on a free port, answering the
// original's end-to-end request (spec §9); `clip-retrieval filter` on the same folder.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <unistd.h>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/npy_writer.h"
#include "model/safetensors_writer.h"
#include "search/index_fixture.h"
#include "server_process.h"

namespace clipret::back {
namespace {

using nlohmann::json;

using testing::ServerProcess;

// `clip-retrieval back ARGS`.
class BackProcess : public ServerProcess {
 public:
  BackProcess(const std::vector<std::string>& args, const std::string& log)
      : ServerProcess("back", args, log) {}
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

// docs/back.md's limits are options: they reach the server (a query over max_num_result_ids is a
// 400 naming the option; a client sending its headers slower than http_header_timeout loses its
// connection) and values out of range stop the start naming the option.
TEST(BackBinary, LimitsAreOptions) {
  testing::TempDir dir;
  const testing::IndexFixture fixture = testing::IndexFixture::build(dir, "example_index");
  testing::write_file(dir.file("indices_paths.json"),
                      json({{"example_index", fixture.folder}}).dump());
  const std::string common = " --port=0 --indices_paths=" + dir.file("indices_paths.json") +
                             " --enable_mclip_option=False --clip_model=" + fixture.model_folder +
                             " --clip_cache_path=" + dir.file("cache");
  for (const std::string bad :
       {"--http_header_timeout=0", "--http_body_timeout=-1", "--http_threads=0",
        "--max_num_result_ids=0", "--http_max_header_bytes=10", "--image_url_max_bytes=0"}) {
    const testing::CommandResult refused = testing::run_clip_retrieval("back " + bad + common);
    EXPECT_EQ(refused.exit_code, 2) << bad << ": " << refused.err;
    const std::string name = bad.substr(2, bad.find('=') - 2);
    EXPECT_NE(refused.err.find(name), std::string::npos) << refused.err;
  }

  const std::string log = dir.file("back.log");
  BackProcess back({"--port=0", "--indices_paths=" + dir.file("indices_paths.json"),
                    "--enable_mclip_option=False", "--clip_model=" + fixture.model_folder,
                    "--clip_cache_path=" + dir.file("cache"), "--max_num_result_ids=5",
                    "--http_header_timeout=0.5"},
                   log);
  const int port = back.wait_for_port(log, std::chrono::seconds(60));
  ASSERT_GT(port, 0) << testing::read_file(log);
  httplib::Client c("127.0.0.1", port);
  json request = {{"text", "cat"}, {"modality", "image"}, {"num_images", 5}, {"num_result_ids", 5}};
  auto r = c.Post("/knn-service", request.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  request["num_result_ids"] = 6;
  r = c.Post("/knn-service", request.dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("max_num_result_ids"), std::string::npos) << r->body;

  // Half a request, then nothing: the connection is answered 400 and closed after ~0.5 s.
  const auto start = std::chrono::steady_clock::now();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  const std::string half = "GET /health HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(::send(fd, half.data(), half.size(), MSG_NOSIGNAL), static_cast<ssize_t>(half.size()));
  std::string answer;
  char buffer[1024];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0;) answer.append(buffer, n);
  ::close(fd);
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_LT(waited, 4.0);
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

namespace clipret::back {
namespace {

// `front` serves a built front and a /config.json naming the back (port 1234 of the host the
// browser used, unless --default_backend) and the default index.
TEST(FrontBinary, ServesTheFrontAndItsConfig) {
  testing::TempDir dir;
  const std::string front = dir.file("front");
  testing::write_file(front + "/index.html", "<html>the front</html>");
  testing::write_file(front + "/assets/app-1234abcd.js", "export {}");
  const std::string log = dir.file("front.log");
  ServerProcess server("front",
                       {"--port=0", "--host=127.0.0.1", "--front_folder=" + front,
                        "--default_index=laion5B", "--url_column=URL"},
                       log);
  const int port = server.wait_for_port(log, std::chrono::seconds(30));
  ASSERT_GT(port, 0) << testing::read_file(log);
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "<html>the front</html>");
  EXPECT_EQ(c.Get("/assets/app-1234abcd.js")->body, "export {}");
  r = c.Get("/config.json", {{"Host", "example.org:1235"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body), json({{"defaultBackend", "http://example.org:1234/"},
                                        {"defaultIndex", "laion5B"},
                                        {"urlColumn", "URL"}}));
  r = c.Get("/config.json", {{"Host", "[::1]:1235"}});
  EXPECT_EQ(json::parse(r->body)["defaultBackend"], "http://[::1]:1234/");
  EXPECT_EQ(c.Get("/indices-list")->status, 404);  // no API here

  ServerProcess with_backend(
      "front", {"--port=0", "--front_folder=" + front, "--default_backend=https://knn.example/"},
      dir.file("front2.log"));
  const int port2 = with_backend.wait_for_port(dir.file("front2.log"), std::chrono::seconds(30));
  ASSERT_GT(port2, 0);
  const json config = json::parse(httplib::Client("127.0.0.1", port2).Get("/config.json")->body);
  EXPECT_EQ(config, json({{"defaultBackend", "https://knn.example/"},
                          {"defaultIndex", ""},
                          {"urlColumn", "url"}}));
}

TEST(FrontBinary, HelpListsTheOriginalOptions) {
  const testing::CommandResult help = testing::run_clip_retrieval("front --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option :
       {"--default_backend", "--default_index", "--url_column", "--port", "--front_folder"}) {
    EXPECT_NE(help.out.find(option), std::string::npos) << option << "\n" << help.out;
  }
  EXPECT_NE(help.out.find("1235"), std::string::npos) << help.out;  // the original's port
  EXPECT_EQ(testing::run_clip_retrieval("front --port=abc").exit_code, 2);
}

TEST(FrontBinary, NoBuiltFrontIsAStartupError) {
  testing::TempDir dir;
  const std::string log = dir.file("front.log");
  ServerProcess server("front", {"--port=0", "--front_folder=" + dir.file("empty")}, log);
  EXPECT_EQ(server.wait_for_port(log, std::chrono::seconds(30)), -1);
  const std::string text = testing::read_file(log);
  EXPECT_NE(text.find("no built web front in '" + dir.file("empty") + "'"), std::string::npos)
      << text;
}

// With no --front_folder, `back` and `front` find the same build: the installed one, else the
// source tree's front/dist (what scripts/setup.sh builds).
TEST(FrontBinary, BackAndFrontServeTheSameBuild) {
  const std::string built = std::string(CLIPRET_SOURCE_DIR) + "/front/dist/index.html";
  if (!std::filesystem::exists(built)) {
    GTEST_SKIP() << "no built front at " << built << " (scripts/setup.sh builds it)";
  }
  testing::TempDir dir;
  const testing::IndexFixture fixture = testing::IndexFixture::build(dir, "example_index");
  testing::write_file(dir.file("indices_paths.json"),
                      json({{"example_index", fixture.folder}}).dump());
  BackProcess back(
      {"--port=0", "--indices_paths=" + dir.file("indices_paths.json"),
       "--clip_model=" + fixture.model_folder, "--clip_cache_path=" + dir.file("cache")},
      dir.file("back.log"));
  ServerProcess front("front", {"--port=0"}, dir.file("front.log"));
  const int back_port = back.wait_for_port(dir.file("back.log"), std::chrono::seconds(60));
  const int front_port = front.wait_for_port(dir.file("front.log"), std::chrono::seconds(30));
  ASSERT_GT(back_port, 0) << testing::read_file(dir.file("back.log"));
  ASSERT_GT(front_port, 0) << testing::read_file(dir.file("front.log"));
  const std::string from_back = httplib::Client("127.0.0.1", back_port).Get("/")->body;
  const std::string from_front = httplib::Client("127.0.0.1", front_port).Get("/")->body;
  EXPECT_EQ(from_back, from_front);
  EXPECT_NE(from_back.find("clip-front"), std::string::npos) << from_back.substr(0, 400);
}

}  // namespace
}  // namespace clipret::back
