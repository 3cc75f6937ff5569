// `clip-retrieval encode` with the tiny fixture model: the binary's embeddings against the
// fixtures' reference outputs, token ids and pixels against the tokenizer and preprocess
// fixtures, the hub path against the local folder, JSON lines against .npy, and the errors.
#include "inference/encode_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/npy_reader.h"
#include "core/npy_writer.h"
#include "hub/clip_loader.h"
#include "local_hub_server.h"
#include "model/sentence_reference.h"
#include "test_util.h"
#include "tiny_model.h"

namespace clipret::inference {
namespace {

// Single-quotes `text` for /bin/sh.
std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Matrix {
  std::vector<uint64_t> shape;
  std::vector<float> values;
};

Matrix read_floats(const std::string& path) {
  const core::NpyReader reader = core::NpyReader::open(path);
  Matrix m{reader.shape(), std::vector<float>(reader.rows() * reader.row_elements())};
  reader.read_rows_f32(0, reader.rows(), m.values.data());
  return m;
}

std::vector<int64_t> read_int64(const std::string& path) {
  const core::NpyReader reader = core::NpyReader::open(path);
  EXPECT_EQ(reader.dtype(), core::NpyDtype::kInt64) << path;
  const auto* data = static_cast<const int64_t*>(reader.data());
  return std::vector<int64_t>(data, data + reader.rows() * reader.row_elements());
}

// Every row of `got` within `relative` of the same row of `expected`, in L2 norm.
void expect_rows_near(const Matrix& got, const Matrix& expected, double relative) {
  ASSERT_EQ(got.shape, expected.shape);
  const size_t dim = got.shape[1];
  for (size_t r = 0; r < got.shape[0]; ++r) {
    double diff = 0, norm = 0;
    for (size_t j = 0; j < dim; ++j) {
      const double e = expected.values[r * dim + j];
      diff += (got.values[r * dim + j] - e) * (got.values[r * dim + j] - e);
      norm += e * e;
    }
    EXPECT_LE(std::sqrt(diff), relative * std::sqrt(norm)) << "row " << r;
  }
}

class EncodeTest : public ::testing::Test {
 protected:
  EncodeTest() : model_folder_(testing::make_tiny_model_folder(dir_)) {}

  // Runs `clip-retrieval encode --clip_model <tiny> <args>`.
  testing::CommandResult encode(const std::string& args) {
    return testing::run_clip_retrieval("--quiet encode --clip_model " + quote(model_folder_) + " " +
                                       args);
  }
  // Runs encode writing `name`.npy in the temporary folder; returns its path.
  std::string encode_to_npy(const std::string& args, const std::string& name) {
    const std::string path = dir_.file(name + ".npy");
    const auto r = encode(args + " --output " + quote(path));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "") << "with --output, stdout stays empty";
    return path;
  }

  testing::TempDir dir_;
  std::string model_folder_;
};

TEST_F(EncodeTest, PixelValuesReproduceReferenceImageEmbeds) {
  const std::string out =
      encode_to_npy("--normalize False --pixel_values " +
                        testing::fixture_path("clip_tiny_hf/ref_pixel_values.npy"),
                    "image");
  expect_rows_near(read_floats(out),
                   read_floats(testing::fixture_path("clip_tiny_hf/ref_image_embeds.npy")), 1e-4);
}

TEST_F(EncodeTest, InputIdsReproduceReferenceTextEmbeds) {
  const std::string ids = testing::fixture_path("clip_tiny_hf/ref_input_ids.npy");
  const Matrix expected = read_floats(testing::fixture_path("clip_tiny_hf/ref_text_embeds.npy"));
  expect_rows_near(read_floats(encode_to_npy("--normalize False --input_ids " + ids, "text")),
                   expected, 1e-4);
  // The same ids as int32, embedded two at a time.
  const std::vector<int64_t> ids64 = read_int64(ids);
  const std::vector<int32_t> ids32(ids64.begin(), ids64.end());
  core::write_npy(dir_.file("ids32.npy"), core::NpyDtype::kInt32, {ids32.size() / 77, 77},
                  ids32.data());
  expect_rows_near(
      read_floats(encode_to_npy(
          "--normalize False --batch_size 2 --input_ids " + dir_.file("ids32.npy"), "text32")),
      expected, 1e-4);
}

TEST_F(EncodeTest, NormalizedByDefault) {
  const std::vector<std::string> outputs = {
      encode_to_npy("--text 'a photo of a cat' --text 'a dog'", "texts"),
      encode_to_npy(
          "--image " + testing::fixture_images()[0] + " --image " + testing::fixture_images()[1],
          "images")};
  for (const std::string& path : outputs) {
    const Matrix m = read_floats(path);
    ASSERT_EQ(m.shape, (std::vector<uint64_t>{2, 16})) << path;
    for (size_t r = 0; r < 2; ++r) {
      double norm = 0;
      for (size_t j = 0; j < 16; ++j) norm += m.values[r * 16 + j] * m.values[r * 16 + j];
      EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-5) << path << " row " << r;
    }
  }
}

TEST_F(EncodeTest, TokensOnlyMatchesTokenizerFixture) {
  constexpr size_t kCases = 26;  // plain, punctuation, whitespace, empty, unicode, emoji, long
  std::ifstream lines(testing::fixture_path("tokenizer/tokenizer_dev.jsonl"));
  std::string line, args;
  std::vector<int64_t> expected;
  for (size_t i = 0; i < kCases && std::getline(lines, line); ++i) {
    const auto json = nlohmann::json::parse(line);
    args += " --text " + quote(json["text"].get<std::string>());
    for (const auto& id : json["ids"]) expected.push_back(id.get<int64_t>());
  }
  const std::string out = encode_to_npy("--tokens_only" + args, "tokens");
  EXPECT_EQ(core::NpyReader::open(out).shape(), (std::vector<uint64_t>{kCases, 77}));
  EXPECT_EQ(read_int64(out), expected);
  // JSON lines: one array of 77 ids per text.
  const auto r = encode("--tokens_only" + args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream stream(r.out);
  std::vector<int64_t> printed;
  size_t rows = 0;
  while (std::getline(stream, line)) {
    ++rows;
    for (const auto& id : nlohmann::json::parse(line)) printed.push_back(id.get<int64_t>());
  }
  EXPECT_EQ(rows, kCases);
  EXPECT_EQ(printed, expected);
}

TEST_F(EncodeTest, PixelsOnlyMatchesPreprocessFixture) {
  const auto cases = nlohmann::json::parse(
      testing::read_file(testing::fixture_path("preprocess/cases.json")))["files"];
  const Matrix reference = read_floats(testing::fixture_path("preprocess/ref_pixel_values.npy"));
  const size_t per_image = 3 * 224 * 224;
  for (size_t index : {size_t{0}, size_t{5}, size_t{6}, size_t{7}}) {  // jpg, gray, rgba, webp
    const std::string name = cases[index].get<std::string>();
    const Matrix m = read_floats(encode_to_npy(
        "--pixels_only --image " + testing::fixture_path("preprocess/" + name), "pixels"));
    ASSERT_EQ(m.shape, (std::vector<uint64_t>{1, 3, 224, 224})) << name;
    float worst = 0;
    for (size_t i = 0; i < per_image; ++i) {
      worst = std::max(worst, std::abs(m.values[i] - reference.values[index * per_image + i]));
    }
    EXPECT_LE(worst, 1e-6f) << name;
  }
}

TEST_F(EncodeTest, HubPathGivesTheSameEmbeddingsAsTheFolder) {
  testing::LocalHubServer server;
  server.add_repo("test/tiny", model_folder_);
  const std::string inputs[] = {"--text 'a photo of a cat' --text 'a dog'",
                                "--image " + testing::fixture_images()[2]};
  for (const std::string& input : inputs) {
    const std::string hub_out = dir_.file("hub.npy");
    const auto r = testing::run_command(
        "env -u HF_HUB_OFFLINE -u HF_TOKEN HF_ENDPOINT=" + server.endpoint() + " '" +
        CLIPRET_BINARY + "' --quiet encode --clip_model hf_clip:test/tiny --clip_cache_path " +
        quote(dir_.file("cache")) + " --output " + quote(hub_out) + " " + input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Matrix local = read_floats(encode_to_npy(input, "local"));
    const Matrix hub = read_floats(hub_out);
    EXPECT_EQ(hub.shape, local.shape) << input;
    EXPECT_EQ(hub.values, local.values) << input;
  }
  EXPECT_GT(server.requests(), 0);
}

TEST_F(EncodeTest, JsonLinesMatchTheNpyOutput) {
  const std::string image = testing::fixture_images()[3];
  for (const std::string& input :
       {std::string("--text 'a photo of a cat' --text 'a dog' --text ''"), "--image " + image,
        "--normalize False --image " + image, "--pixels_only --image " + image}) {
    const Matrix m = read_floats(encode_to_npy(input, "out"));
    const auto r = encode(input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream stream(r.out);
    std::string line;
    std::vector<float> printed;
    size_t rows = 0;
    while (std::getline(stream, line)) {
      ++rows;
      const auto json = nlohmann::json::parse(line);
      // Rows nest as the row shape: 16 floats, or 3 x 224 x 224 pixels.
      if (m.shape.size() == 2) {
        for (const auto& v : json) printed.push_back(v.get<float>());
      } else {
        ASSERT_EQ(json.size(), 3u);
        ASSERT_EQ(json[0].size(), 224u);
        for (const auto& plane : json)
          for (const auto& row : plane)
            for (const auto& v : row) printed.push_back(v.get<float>());
      }
    }
    EXPECT_EQ(rows, m.shape[0]) << input;
    EXPECT_EQ(printed, m.values) << input << ": %.9g must round-trip float32";
  }
}

// --mclip_model: the texts go through the multilingual model (the mclip_tiny fixture, whose
// embeddings sentence-transformers computed), raw with --normalize False, normalised by default;
// --tokens_only gives the tokenizer's ids padded to the longest.
TEST_F(EncodeTest, MclipModelEmbedsTextsWithTheMultilingualModel) {
  const auto cases = testing::mclip_tiny_cases();
  std::string texts;
  Matrix expected{{cases.size(), cases[0].embedding.size()}, {}};
  Matrix normalized = expected;
  size_t longest = 0;
  for (const auto& c : cases) {
    texts += " --text " + quote(c.text);
    double norm = 0;
    for (const double v : c.embedding) norm += v * v;
    for (const double v : c.embedding) {
      expected.values.push_back(static_cast<float>(v));
      normalized.values.push_back(static_cast<float>(v / std::sqrt(norm)));
    }
    longest = std::max(longest, c.ids.size());
  }
  const std::string mclip = " --mclip_model " + quote(testing::mclip_tiny_dir());
  expect_rows_near(read_floats(encode_to_npy(mclip + " --normalize False" + texts, "raw")),
                   expected, 1e-4);
  expect_rows_near(read_floats(encode_to_npy(mclip + texts, "normalized")), normalized, 1e-4);

  const std::vector<int64_t> ids =
      read_int64(encode_to_npy(mclip + " --tokens_only" + texts, "ids"));
  ASSERT_EQ(ids.size(), cases.size() * longest);
  for (size_t i = 0; i < cases.size(); ++i) {
    for (size_t t = 0; t < longest; ++t) {
      EXPECT_EQ(ids[i * longest + t], t < cases[i].ids.size() ? cases[i].ids[t] : 0)
          << cases[i].text << " [" << t << "]";
    }
  }

  const auto refused = encode(mclip + " --image " + quote(testing::fixture_images()[0]));
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("--mclip_model embeds --text inputs only"), std::string::npos)
      << refused.err;
}

TEST_F(EncodeTest, LibraryBatchingDoesNotChangeResults) {
  hub::HubOptions hub_options;
  hub_options.offline = true;
  hub_options.show_progress = false;
  hub::LoadedClip clip = hub::load_clip(model_folder_, hub_options, model::ClipModelOptions{});
  EncodeOptions options;
  options.input_ids = testing::fixture_path("clip_tiny_hf/ref_input_ids.npy");
  const EncodedRows whole = encode_inputs(options, clip);
  options.batch_size = 2;
  const EncodedRows batched = encode_inputs(options, clip);
  EXPECT_EQ(whole.shape, (std::vector<uint64_t>{5, 16}));
  ASSERT_EQ(batched.floats.size(), whole.floats.size());
  for (size_t i = 0; i < whole.floats.size(); ++i) {
    EXPECT_NEAR(batched.floats[i], whole.floats[i], 1e-6) << i;
  }
}

struct ErrorCase {
  std::string args;
  int exit_code;
  std::string message;  // a part of stderr that names the problem
};

TEST_F(EncodeTest, ErrorsNameTheProblemAndWriteNothing) {
  const std::string pixels = testing::fixture_path("clip_tiny_hf/ref_pixel_values.npy");
  testing::write_file(dir_.file("corrupt.jpg"), "\xff\xd8\xff\xe0 not really a jpeg");
  const std::vector<int64_t> bad_ids(77, 49408);  // one past the vocabulary
  core::write_npy(dir_.file("bad_ids.npy"), core::NpyDtype::kInt64, {1, 77}, bad_ids.data());
  const std::vector<int64_t> short_ids(2 * 10, 1);
  core::write_npy(dir_.file("short_ids.npy"), core::NpyDtype::kInt64, {2, 10}, short_ids.data());
  const std::vector<ErrorCase> cases = {
      {"", 2, "no input"},
      {"--text cat --image " + testing::fixture_images()[0], 2,
       "--text and --image cannot be mixed"},
      {"--input_ids " + pixels + " --pixel_values " + pixels, 2, "cannot be mixed"},
      {"--image " + dir_.file("missing.jpg"), 3, dir_.file("missing.jpg") + ": no such file"},
      {"--image " + testing::fixture_images()[0] + " --image " + dir_.file("corrupt.jpg"), 5,
       "--image " + dir_.file("corrupt.jpg")},
      {"--input_ids " + dir_.file("short_ids.npy"), 2,
       "expected shape (n, 77) with n >= 1, got (2, 10)"},
      {"--input_ids " + pixels, 2, "token ids must be int64 or int32, got float32"},
      {"--input_ids " + dir_.file("bad_ids.npy"), 2, "49408"},
      {"--pixel_values " + testing::fixture_path("preprocess/ref_pixel_values.npy") +
           " --input_ids " + pixels,
       2, "cannot be mixed"},
      {"--tokens_only --image " + testing::fixture_images()[0], 2, "--tokens_only needs --text"},
      {"--pixels_only --text cat", 2, "--pixels_only needs --image"},
      {"--tokens_only --pixels_only --text cat", 2, "cannot be combined"},
      {"--text cat --batch_size 0", 2, "--batch_size must be positive"},
      {"--text cat --normalize=maybe", 2, "--normalize"},
  };
  for (const ErrorCase& c : cases) {
    const auto r = encode(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
    EXPECT_EQ(r.out, "") << c.args;
  }
}

TEST_F(EncodeTest, WrongSizedPixelValuesAreRejected) {
  const std::vector<float> pixels(3 * 64 * 64, 0.0f);
  core::write_npy(dir_.file("small.npy"), core::NpyDtype::kFloat32, {1, 3, 64, 64}, pixels.data());
  const auto r = encode("--pixel_values " + dir_.file("small.npy"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected shape (n, 3, 224, 224) with n >= 1, got (1, 3, 64, 64)"),
            std::string::npos)
      << r.err;
}

TEST_F(EncodeTest, HelpListsTheOptions) {
  const auto r = testing::run_clip_retrieval("encode --help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* option :
       {"--clip_model", "--text", "--image", "--input_ids", "--pixel_values", "--output",
        "--normalize", "--tokens_only", "--pixels_only", "--batch_size", "--clip_cache_path"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
  EXPECT_NE(testing::run_clip_retrieval("--help").out.find("encode"), std::string::npos);
}

}  // namespace
}  // namespace clipret::inference
