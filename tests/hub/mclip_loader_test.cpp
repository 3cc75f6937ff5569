// Multilingual text models through the hub layer: names, downloads from a local hub, and
// tokenizer + encoder together against the references (token ids exact: the fixture's from the
// Hugging Face tokenizer, the XLM-R ones from Python sentencepiece with fairseq's mapping).
#include "hub/mclip_loader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "hub/model_name.h"
#include "hub/model_store.h"
#include "local_hub_server.h"
#include "model/sentence_reference.h"

namespace clipret::hub {
namespace {

namespace fs = std::filesystem;

HubOptions offline_options() {
  HubOptions options;
  options.offline = true;
  options.show_progress = false;
  return options;
}

// Tokenizer ids equal the reference's, and the normalised embeddings its normalised ones.
void expect_end_to_end(LoadedMclip& mclip, const std::vector<testing::SentenceCase>& cases) {
  std::vector<std::string> texts;
  for (const auto& c : cases) {
    EXPECT_EQ(mclip.tokenizer->encode(c.text), c.ids) << c.text;
    texts.push_back(c.text);
  }
  const size_t dim = static_cast<size_t>(mclip.model.embed_dim());
  std::vector<float> out(texts.size() * dim);
  embed_mclip_texts(mclip, texts, out.data());
  for (size_t i = 0; i < cases.size(); ++i) {
    double norm = 0;
    for (const double v : cases[i].embedding) norm += v * v;
    std::vector<double> want;
    for (const double v : cases[i].embedding) want.push_back(v / std::sqrt(norm));
    EXPECT_LE(testing::relative_error(out.data() + i * dim, want), 1e-4) << cases[i].text;
  }
}

TEST(MclipLoaderTest, SentenceTransformersFolderWithWordPiece) {
  LoadedMclip mclip =
      load_mclip(testing::mclip_tiny_dir(), "mclip_model", offline_options(), {.threads = 1});
  EXPECT_EQ(mclip.tokenizer->max_length(), 128u);
  expect_end_to_end(mclip, testing::mclip_tiny_cases());
}

TEST(MclipLoaderTest, MClipFolderWithSentencePiece) {
  testing::TempDir dir;
  const std::string folder = dir.file("xlmr");
  const std::string failure = testing::run_sentence_reference("xlmr '" + folder + "'");
  ASSERT_TRUE(failure.empty()) << failure;
  LoadedMclip mclip = load_mclip(folder, "mclip_model", offline_options(), {.threads = 1});
  EXPECT_EQ(mclip.tokenizer->max_length(), 38u);
  EXPECT_EQ(mclip.tokenizer->pad_id(), 1);
  expect_end_to_end(mclip, testing::read_sentence_cases(folder + "/cases.jsonl"));
}

TEST(MclipLoaderTest, OriginalPairsOfClipAndMClipModels) {
  EXPECT_EQ(mclip_model_for_clip("ViT-B/32"), "M-CLIP/XLM-Roberta-Large-Vit-B-32");
  EXPECT_EQ(mclip_model_for_clip("ViT-L/14"), "M-CLIP/XLM-Roberta-Large-Vit-L-14");
  EXPECT_EQ(mclip_model_for_clip("ViT-B/16"), "");
  EXPECT_EQ(mclip_model_for_clip("open_clip:ViT-B-32/laion2b_s34b_b79k"), "");
}

TEST(MclipLoaderTest, TextModelNames) {
  const ModelReference ref =
      resolve_text_model_name("sentence-transformers/clip-ViT-B-32-multilingual-v1", "x");
  EXPECT_EQ(ref.repo, "sentence-transformers/clip-ViT-B-32-multilingual-v1");
  EXPECT_TRUE(ref.local_folder.empty());
  EXPECT_EQ(resolve_text_model_name(testing::mclip_tiny_dir(), "x").local_folder,
            testing::mclip_tiny_dir());
  for (const char* bad : {"", "no-slash", "a/b/c", "../x", "a/b c", "/no/such/folder"}) {
    try {
      resolve_text_model_name(bad, "mclip_model");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kInvalidInput) << bad;
      EXPECT_NE(std::string(error.what()).find("mclip_model"), std::string::npos) << error.what();
    }
  }
}

// A sentence-transformers repository on the hub: its module files and subfolders arrive, the
// safetensors weights are preferred (the .bin beside them is not fetched), and the cached copy
// loads and embeds as the fixture does.
TEST(MclipLoaderTest, DownloadsASentenceTransformersRepository) {
  testing::TempDir dir;
  const std::string repo = dir.file("repo");
  fs::copy(testing::mclip_tiny_dir(), repo, fs::copy_options::recursive);
  fs::permissions(repo, fs::perms::owner_all, fs::perm_options::add);
  testing::write_file(repo + "/pytorch_model.bin", "must not be fetched");
  testing::LocalHubServer server;
  server.add_repo("org/multilingual", repo);
  HubOptions options;
  options.endpoint = server.endpoint();
  options.cache_dir = dir.file("cache");
  options.show_progress = false;

  LoadedMclip mclip = load_mclip("org/multilingual", "mclip_model", options, {.threads = 1});
  EXPECT_EQ(mclip.folder, dir.file("cache/org--multilingual/main"));
  for (const char* file :
       {"modules.json", "config.json", "model.safetensors", "tokenizer.json",
        "1_Pooling/config.json", "2_Dense/config.json", "2_Dense/model.safetensors"}) {
    EXPECT_TRUE(fs::exists(mclip.folder + "/" + file)) << file;
  }
  EXPECT_FALSE(fs::exists(mclip.folder + "/pytorch_model.bin"));
  expect_end_to_end(mclip, testing::mclip_tiny_cases());

  // A repository without any weights is a clear error naming the alternatives.
  testing::TempDir empty;
  testing::write_file(empty.file("config.json"), "{}");
  server.add_repo("org/empty", empty.path().string());
  try {
    load_mclip("org/empty", "mclip_model", options, {});
    ADD_FAILURE() << "loaded a repository without weights";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(error.what()).find("model.safetensors, pytorch_model.bin"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace clipret::hub
