// Walks the index option table: spec §2's names and defaults, then autofaiss's; help for each.
#include <gtest/gtest.h>

#include <set>

#include "cli/index_command.h"
#include "cli/option_table.h"
#include "core/error.h"
#include "index/index_options.h"

namespace clipret::cli {
namespace {

TEST(IndexOptionsTest, EverySpecOptionWithItsDefault) {
  index::IndexOptions options;
  OptionTable table("clip-retrieval index", "s");
  add_index_options(table, options);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"embeddings_folder", ""},
      {"index_folder", ""},
      {"max_index_memory_usage", "\"4G\""},
      {"current_memory_available", "\"16G\""},
      {"copy_metadata", "True"},
      {"image_subfolder", "\"img_emb\""},
      {"text_subfolder", "\"text_emb\""},
      {"nb_cores", "None"},
      {"index_key", "None"},
      {"index_param", "None"},
      {"max_index_query_time_ms", "10"},
      {"min_nearest_neighbors_to_retrieve", "20"},
      {"metric_type", "\"ip\""},
      {"make_direct_map", "False"},
      {"should_be_memory_mappable", "False"},
  };
  ASSERT_EQ(table.options().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& spec = table.options()[i];
    EXPECT_EQ(spec.name, expected[i].first);
    EXPECT_EQ(spec.default_text, expected[i].second) << spec.name;
    EXPECT_FALSE(spec.help.empty()) << spec.name;
  }
}

TEST(IndexOptionsTest, PositionalAndNamedLikeFire) {
  index::IndexOptions options;
  OptionTable table("clip-retrieval index", "s");
  add_index_options(table, options);
  ASSERT_TRUE(
      table.parse({"emb", "idx", "1G", "--current-memory-available=2G",
                   "--should_be_memory_mappable", "--nb_cores", "3", "--index_key", "IVF16,Flat"}));
  EXPECT_EQ(options.embeddings_folder, "emb");
  EXPECT_EQ(options.index_folder, "idx");
  EXPECT_EQ(options.max_index_memory_usage, "1G");
  EXPECT_EQ(options.current_memory_available, "2G");
  EXPECT_TRUE(options.should_be_memory_mappable);
  EXPECT_EQ(options.nb_cores, 3);
  EXPECT_EQ(options.index_key, "IVF16,Flat");
  EXPECT_THROW(table.parse({"emb", "idx", "--max_index_query_time_ms", "fast"}), Error);
}

}  // namespace
}  // namespace clipret::cli
