// The download option table against img2dataset's (../shared/reference/img2dataset-notes.md §1):
// every option with img2dataset's name and default, in its order, then ours.
#include <gtest/gtest.h>

#include "cli/download_command.h"
#include "cli/option_table.h"
#include "core/error.h"
#include "download/download_options.h"

namespace clipret::cli {
namespace {

TEST(DownloadOptionsTable, Img2datasetNamesAndDefaults) {
  download::DownloadOptions options;
  OptionTable table("clip-retrieval download", "s");
  add_download_options(table, options);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"url_list", ""},
      {"output_folder", "\"images\""},
      {"processes_count", "1"},
      {"thread_count", "256"},
      {"image_size", "256"},
      {"resize_mode", "\"border\""},
      {"resize_only_if_bigger", "False"},
      {"upscale_interpolation", "\"lanczos\""},
      {"downscale_interpolation", "\"area\""},
      {"encode_quality", "95"},
      {"encode_format", "\"jpg\""},
      {"skip_reencode", "False"},
      {"output_format", "\"files\""},
      {"input_format", "\"txt\""},
      {"url_col", "\"url\""},
      {"caption_col", "None"},
      {"bbox_col", "None"},
      {"number_sample_per_shard", "10000"},
      {"extract_exif", "True"},
      {"save_additional_columns", "[]"},
      {"timeout", "10"},
      {"enable_wandb", "False"},
      {"wandb_project", "\"img2dataset\""},
      {"oom_shard_count", "5"},
      {"compute_hash", "\"sha256\""},
      {"verify_hash", "[]"},
      {"distributor", "\"multiprocessing\""},
      {"subjob_size", "1000"},
      {"retries", "0"},
      {"disable_all_reencoding", "False"},
      {"min_image_size", "0"},
      {"max_image_area", "inf"},
      {"max_aspect_ratio", "inf"},
      {"incremental_mode", "\"incremental\""},
      {"max_shard_retry", "1"},
      {"user_agent_token", "None"},
      {"disallowed_header_directives", "None"},
      {"ignore_ssl_certificate", "False"},
      {"max_image_bytes", "67108864"},
      {"max_per_host", "16"},
      {"jpeg_dct_downscale", "False"},
  };
  ASSERT_EQ(table.options().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(table.options()[i].name, expected[i].first) << i;
    EXPECT_EQ(table.options()[i].default_text, expected[i].second) << expected[i].first;
  }
}

TEST(DownloadOptionsTable, ListsNoneAndEmptyAreDistinct) {
  download::DownloadOptions options;
  OptionTable table("clip-retrieval download", "s");
  add_download_options(table, options);
  table.parse({"urls.txt", "--disallowed_header_directives", "[]", "--save_additional_columns",
               "[\"NSFW\",\"similarity\"]", "--verify_hash", "[\"sha256hash\",\"sha256\"]",
               "--caption_col", "TEXT", "--compute_hash", "None"});
  ASSERT_TRUE(options.disallowed_header_directives.has_value());
  EXPECT_TRUE(options.disallowed_header_directives->empty());
  EXPECT_EQ(options.save_additional_columns, (std::vector<std::string>{"NSFW", "similarity"}));
  EXPECT_EQ(options.verify_hash, (std::vector<std::string>{"sha256hash", "sha256"}));
  EXPECT_EQ(options.caption_col, "TEXT");
  EXPECT_FALSE(options.compute_hash.has_value());
  EXPECT_EQ(options.url_list, std::vector<std::string>{"urls.txt"});

  download::DownloadOptions again;
  OptionTable second("clip-retrieval download", "s");
  add_download_options(second, again);
  second.parse({"urls.txt", "--disallowed_header_directives", "None"});
  EXPECT_FALSE(again.disallowed_header_directives.has_value());
}

}  // namespace
}  // namespace clipret::cli
