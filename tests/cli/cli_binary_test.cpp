// Runs the real binary: help texts, exit codes, error messages on stderr.
#include <gtest/gtest.h>

#include "test_util.h"

namespace clipret::testing {
namespace {

TEST(CliBinaryTest, TopLevelHelpListsCommands) {
  const auto r = run_clip_retrieval("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage: clip-retrieval <command>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("inference"), std::string::npos);
}

TEST(CliBinaryTest, NoArgumentsPrintsUsageAndFails) {
  const auto r = run_clip_retrieval("");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("Commands:"), std::string::npos);
}

TEST(CliBinaryTest, InferenceHelpShowsEveryOptionWithDefault) {
  const auto r = run_clip_retrieval("inference --help");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* line :
       {"--input_dataset (str|list)  required",
        "--output_folder (str)  required",
        "--input_format (str)  default: \"files\"",
        "--cache_path (str)  default: None",
        "--batch_size (int)  default: 256",
        "--num_prepro_workers (int)  default: 4",
        "--enable_text (bool)  default: True",
        "--enable_image (bool)  default: True",
        "--enable_metadata (bool)  default: False",
        "--write_batch_size (int)  default: 1000000",
        "--wds_image_key (str)  default: \"jpg\"",
        "--wds_caption_key (str)  default: \"txt\"",
        "--clip_model (str)  default: \"ViT-B/32\"",
        "--use_mclip (bool)  default: False",
        "--use_jit (bool)  default: False",
        "--distribution_strategy (str)  default: \"sequential\"",
        "--wds_number_file_per_input_file (int)  default: 10000",
        "--output_partition_count (int)  default: None",
        "--wandb_project (str)  default: \"clip_retrieval\"",
        "--enable_wandb (bool)  default: False",
        "--clip_cache_path (str)  default: None",
        "--slurm_job_name (str)  default: None",
        "--slurm_partition (str)  default: None",
        "--slurm_nodes (int)  default: None",
        "--slurm_job_comment (str)  default: None",
        "--slurm_nodelist (str)  default: None",
        "--slurm_exclude (str)  default: None",
        "--slurm_job_timeout (int)  default: None",
        "--slurm_cache_path (str)  default: None",
        "--slurm_verbose_wait (bool)  default: False",
        "--subset_size (int)  default: None",
        "--mclip_model (str)  default: \"sentence-transformers/clip-ViT-B-32-multilingual-v1\""}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << "missing: " << line;
  }
}

TEST(CliBinaryTest, UnknownCommandSuggests) {
  const auto r = run_clip_retrieval("inferense");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'inferense' (did you mean 'inference'?)"),
            std::string::npos)
      << r.err;
}

TEST(CliBinaryTest, UnknownOptionNamesItAndSuggests) {
  const auto r = run_clip_retrieval("inference in out --batch-sise 4");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown option --batch_sise; did you mean --batch_size?"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST(CliBinaryTest, InvalidValueIsAClearError) {
  const auto r = run_clip_retrieval("inference in out --batch_size -5");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("clip-retrieval inference: error: --batch_size must be a positive integer"),
            std::string::npos)
      << r.err;
}

TEST(CliBinaryTest, VersionPrints) {
  const auto r = run_clip_retrieval("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("clip-retrieval ", 0), 0u);
}

// --verbose and --quiet take a bool value or none, like every bool option; a value is not taken
// for the command's first positional argument. (Also: embedding pixels of a model folder without
// tokenizer files loads no tokenizer, so nothing is downloaded.)
TEST(CliBinaryTest, GlobalLogOptionsTakeAnOptionalValue) {
  const std::string model = fixture_path("clip_tiny_hf");
  TempDir dir;
  const std::string encode = "encode --clip_model " + model + " --pixel_values " + model +
                             "/ref_pixel_values.npy --output " + dir.file("out.npy");
  for (const char* quiet : {"--quiet", "--quiet True", "--quiet=true"}) {
    const auto r = run_clip_retrieval(encode + " " + quiet);
    EXPECT_EQ(r.exit_code, 0) << quiet << ": " << r.err;
    EXPECT_EQ(r.err.find("[info]"), std::string::npos) << quiet << ": " << r.err;
  }
  const auto loud = run_clip_retrieval(encode + " --verbose True");
  EXPECT_EQ(loud.exit_code, 0) << loud.err;
  EXPECT_NE(loud.err.find("[debug]"), std::string::npos) << loud.err;
  const auto normal = run_clip_retrieval(encode + " --verbose False");
  EXPECT_EQ(normal.exit_code, 0) << normal.err;
  EXPECT_EQ(normal.err.find("[debug]"), std::string::npos) << normal.err;
  EXPECT_NE(normal.err.find("[info]"), std::string::npos) << normal.err;
  EXPECT_EQ(normal.err.find("download"), std::string::npos) << normal.err;
}

}  // namespace
}  // namespace clipret::testing
