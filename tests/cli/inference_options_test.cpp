// Walks the inference option table: spec §1.1's names and defaults, help for each, validation.
#include <gtest/gtest.h>

#include <set>

#include "cli/inference_command.h"
#include "cli/option_table.h"
#include "core/error.h"
#include "inference/inference_options.h"

namespace clipret::cli {
namespace {

TEST(InferenceOptionsTest, EverySpecOptionWithItsDefault) {
  inference::InferenceOptions options;
  OptionTable table("clip-retrieval inference", "s");
  add_inference_options(table, options);
  // Spec §1.1, in the original's order, with the original's code defaults; plus subset_size.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"input_dataset", ""},
      {"output_folder", ""},
      {"input_format", "\"files\""},
      {"cache_path", "None"},
      {"batch_size", "256"},
      {"num_prepro_workers", "4"},
      {"enable_text", "True"},
      {"enable_image", "True"},
      {"enable_metadata", "False"},
      {"write_batch_size", "1000000"},
      {"wds_image_key", "\"jpg\""},
      {"wds_caption_key", "\"txt\""},
      {"clip_model", "\"ViT-B/32\""},
      {"mclip_model", "\"sentence-transformers/clip-ViT-B-32-multilingual-v1\""},
      {"use_mclip", "False"},
      {"use_jit", "False"},
      {"distribution_strategy", "\"sequential\""},
      {"wds_number_file_per_input_file", "10000"},
      {"output_partition_count", "None"},
      {"wandb_project", "\"clip_retrieval\""},
      {"enable_wandb", "False"},
      {"clip_cache_path", "None"},
      {"slurm_job_name", "None"},
      {"slurm_partition", "None"},
      {"slurm_nodes", "None"},
      {"slurm_job_comment", "None"},
      {"slurm_nodelist", "None"},
      {"slurm_exclude", "None"},
      {"slurm_job_timeout", "None"},
      {"slurm_cache_path", "None"},
      {"slurm_verbose_wait", "False"},
      {"subset_size", "None"},
      {"dry_run", "False"},
      {"precision", "\"fp32\""},
  };
  ASSERT_EQ(table.options().size(), expected.size());
  std::set<std::string> names;
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& spec = table.options()[i];
    EXPECT_EQ(spec.name, expected[i].first);
    EXPECT_EQ(spec.default_text, expected[i].second) << spec.name;
    EXPECT_FALSE(spec.help.empty()) << spec.name;
    EXPECT_TRUE(names.insert(spec.name).second) << "duplicate " << spec.name;
  }
  EXPECT_TRUE(table.options()[0].required);
  EXPECT_TRUE(table.options()[1].required);
}

inference::InferenceOptions parse(std::vector<std::string> args) {
  inference::InferenceOptions options;
  OptionTable table("clip-retrieval inference", "s");
  add_inference_options(table, options);
  EXPECT_TRUE(table.parse(args));
  return options;
}

std::string validation_error(std::vector<std::string> args) {
  try {
    inference::validate(parse(args));
  } catch (const Error& e) {
    return e.what();
  }
  return "<valid>";
}

TEST(InferenceOptionsTest, ReadmeCommandLineParses) {
  const auto o = parse({"--input_dataset", "shards/{00000..00010}.tar", "--output_folder", "out",
                        "--input_format", "webdataset", "--enable_metadata=True",
                        "--num-prepro-workers", "8", "--output_partition_count", "3"});
  EXPECT_NO_THROW(inference::validate(o));
  EXPECT_EQ(o.input_dataset, std::vector<std::string>{"shards/{00000..00010}.tar"});
  EXPECT_EQ(o.num_prepro_workers, 8);
  EXPECT_EQ(o.output_partition_count, 3);
  EXPECT_TRUE(o.enable_metadata);
}

TEST(InferenceOptionsTest, ValidationNamesTheOption) {
  EXPECT_EQ(validation_error({"in", "out"}), "<valid>");
  EXPECT_NE(validation_error({"in", "out", "--batch_size", "-1"}).find("--batch_size must be"),
            std::string::npos);
  EXPECT_NE(validation_error({"in", "out", "--input_format", "parquet"})
                .find("Unsupported input_format 'parquet'"),
            std::string::npos);
  EXPECT_NE(validation_error({"in", "out", "--distribution_strategy", "magic"})
                .find("The magic strategy is not implemented"),
            std::string::npos);
  EXPECT_NE(validation_error({"in", "out", "--distribution_strategy", "pyspark"}).find("use mpi"),
            std::string::npos);
  EXPECT_NE(
      validation_error({"in", "out", "--num_prepro_workers", "-2"}).find("--num_prepro_workers"),
      std::string::npos);
  EXPECT_NE(validation_error({"in", "out", "--output_partition_count", "0"})
                .find("--output_partition_count"),
            std::string::npos);
  EXPECT_NE(validation_error({"in", "out", "--enable_text", "False", "--enable_image", "False"})
                .find("nothing to compute"),
            std::string::npos);
  EXPECT_NE(validation_error({"[\"a\",\"b\"]", "out"}).find("takes one folder"), std::string::npos);
  EXPECT_EQ(validation_error({"[\"a.tar\",\"b.tar\"]", "out", "webdataset"}), "<valid>");
  EXPECT_EQ(validation_error({"in", "out", "--wds_image_key", "jpg;png;webp"}), "<valid>");
  for (const char* bad : {"", "jpg;;png", ";jpg", "png;"}) {
    EXPECT_NE(validation_error({"in", "out", "--wds_image_key", bad}).find("--wds_image_key"),
              std::string::npos)
        << bad;
  }
}

}  // namespace
}  // namespace clipret::cli
