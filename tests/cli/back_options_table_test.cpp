// Walks the back option table: the original's names, order and defaults, and every per-index
// row of back::index_option_fields() bound to BackOptions::index_defaults.
#include <gtest/gtest.h>

#include "back/back_options.h"
#include "back/index_option_fields.h"
#include "cli/back_command.h"
#include "cli/option_table.h"

namespace clipret::cli {
namespace {

const OptionSpec* find_spec(const OptionTable& table, const std::string& name) {
  for (const OptionSpec& spec : table.options()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// Bare words fill options in this order (fire's rule), so it is pinned here.
TEST(BackOptionsTable, OriginalOrderAndDefaults) {
  back::BackOptions options;
  OptionTable table("clip-retrieval back", "s");
  add_back_options(table, options);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"indices_paths", "\"indices_paths.json\""},
      {"port", "1234"},
      {"enable_hdf5", "False"},
      {"enable_faiss_memory_mapping", "False"},
      {"columns_to_return", "[]"},
      {"reorder_metadata_by_ivf_index", "False"},
      {"default_backend", "None"},
      {"url_column", "\"url\""},
      {"enable_mclip_option", "True"},
      {"clip_model", "\"ViT-B/32\""},
      {"use_jit", "True"},
      {"use_arrow", "False"},
      {"provide_safety_model", "False"},
      {"provide_violence_detector", "False"},
      {"provide_aesthetic_embeddings", "True"},
      {"safety_model_path", "None"},
      {"violence_detector_path", "None"},
      {"aesthetic_embeddings_folder", "None"},
      {"mclip_model", "None"},
      {"host", "\"0.0.0.0\""},
      {"front_folder", "None"},
      {"allow_private_urls", "False"},
      {"max_body_bytes", "67108864"},
      {"http_threads", "64"},
      {"http_header_timeout", "10"},
      {"http_body_timeout", "60"},
      {"http_write_timeout", "120"},
      {"http_keep_alive_timeout", "5"},
      {"http_max_header_bytes", "65536"},
      {"max_num_result_ids", "10000000"},
      {"image_url_timeout", "10"},
      {"image_url_max_bytes", "20971520"},
      {"faiss_threads", "1"},
      {"max_text_batch", "32"},
      {"model_threads", "0"},
      {"batch_gather_us", "3000"},
      {"clip_cache_path", "None"},
      {"precision", "\"fp32\""},
  };
  ASSERT_EQ(table.options().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const OptionSpec& spec = table.options()[i];
    EXPECT_EQ(spec.name, expected[i].first);
    EXPECT_EQ(spec.default_text, expected[i].second) << spec.name;
    EXPECT_FALSE(spec.help.empty()) << spec.name;
  }
}

// Each row is an option with the row's help, and a non-default value given by name reaches
// index_defaults.
TEST(BackOptionsTable, EveryPerIndexFieldIsAnOption) {
  for (const back::IndexOptionField& field : back::index_option_fields()) {
    back::BackOptions options;
    OptionTable table("clip-retrieval back", "s");
    add_back_options(table, options);
    const OptionSpec* spec = find_spec(table, field.name);
    ASSERT_NE(spec, nullptr) << field.name;
    EXPECT_EQ(spec->help, field.help);
    const search::IndexOptions defaults;
    const std::string name = std::string("--") + field.name;
    switch (field.kind) {
      case back::IndexFieldKind::kString:
      case back::IndexFieldKind::kPath:
        ASSERT_TRUE(table.parse({name, "/custom/value"}));
        EXPECT_EQ(options.index_defaults.*field.text, "/custom/value");
        break;
      case back::IndexFieldKind::kBool:
        ASSERT_TRUE(table.parse({name + "=" + (defaults.*field.flag ? "False" : "True")}));
        EXPECT_NE(options.index_defaults.*field.flag, defaults.*field.flag) << field.name;
        break;
      case back::IndexFieldKind::kStringList:
        ASSERT_TRUE(table.parse({name, R"(["a", "b"])"}));
        EXPECT_EQ(options.index_defaults.*field.list, (std::vector<std::string>{"a", "b"}));
        break;
    }
  }
}

TEST(BackOptionsTable, PathsTakeNoneAsEmpty) {
  back::BackOptions options;
  OptionTable table("clip-retrieval back", "s");
  add_back_options(table, options);
  ASSERT_TRUE(table.parse({"--safety_model_path", "None",
                           "--violence_detector_path=", "--aesthetic_embeddings_folder", "/a"}));
  EXPECT_EQ(options.index_defaults.safety_model_path, "");
  EXPECT_EQ(options.index_defaults.violence_detector_path, "");
  EXPECT_EQ(options.index_defaults.aesthetic_embeddings_folder, "/a");
}

TEST(BackOptionsTable, BareWordsFillInTheOriginalOrder) {
  back::BackOptions options;
  OptionTable table("clip-retrieval back", "s");
  add_back_options(table, options);
  ASSERT_TRUE(table.parse({"p.json", "8080", "True", "False", "url", "False", "http://b", "link",
                           "False", "ViT-L/14"}));
  EXPECT_EQ(options.indices_paths, "p.json");
  EXPECT_EQ(options.port, 8080);
  EXPECT_TRUE(options.index_defaults.enable_hdf5);
  EXPECT_EQ(options.index_defaults.columns_to_return, (std::vector<std::string>{"url"}));
  EXPECT_EQ(options.default_backend, "http://b");
  EXPECT_EQ(options.url_column, "link");
  EXPECT_FALSE(options.index_defaults.enable_mclip_option);
  EXPECT_EQ(options.index_defaults.clip_model, "ViT-L/14");
}

}  // namespace
}  // namespace clipret::cli
