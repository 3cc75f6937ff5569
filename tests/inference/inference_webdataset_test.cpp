// Inference over generated webdataset shards: a corrupt image, an image-only sample, a truncated
// shard, `pipe:` shards, brace patterns; and a two-rank run equal to a single process.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "core/npy_reader.h"
#include "inference/inference_runner.h"
#include "parquet/parquet_reader.h"
#include "parquet/table.h"
#include "tar_builder.h"
#include "test_util.h"
#include "tiny_model.h"

namespace clipret::inference {
namespace {

namespace fs = std::filesystem;
using testing::TarMember;

class InferenceWebdatasetTest : public ::testing::Test {
 protected:
  InferenceWebdatasetTest() : model_folder_(testing::make_tiny_model_folder(dir_)) {
    environment_.show_progress = false;
    environment_.hub.show_progress = false;
    environment_.hub.offline = true;
    environment_.model.threads = 1;
    images_ = testing::fixture_images();
  }

  std::vector<TarMember> sample(const std::string& key, int image, bool caption = true) {
    std::vector<TarMember> members;
    members.push_back({key + ".jpg", testing::read_file(images_[image % images_.size()])});
    if (caption) members.push_back({key + ".txt", "caption of " + key});
    members.push_back(
        {key + ".json", "{\"key\": \"" + key + "\", \"n\": " + std::to_string(image) + "}"});
    return members;
  }

  // shards/00000.tar: s0..s3 (s2's image corrupt); 00001.tar: s4..s6 and image-only s7;
  // 00002.tar: s8, s9, then cut in the middle of s10's image.
  std::string make_shards() {
    const std::string folder = dir_.file("shards");
    fs::create_directories(folder);
    std::vector<TarMember> shard0;
    for (int i = 0; i < 4; ++i) {
      for (auto& m : sample("s" + std::to_string(i), i)) shard0.push_back(m);
    }
    shard0[6].data = "this is not an image";  // s2.jpg
    testing::write_file(folder + "/00000.tar", testing::make_tar(shard0));
    std::vector<TarMember> shard1;
    for (int i = 4; i < 8; ++i) {
      for (auto& m : sample("s" + std::to_string(i), i, i != 7)) shard1.push_back(m);
    }
    testing::write_file(folder + "/00001.tar", testing::make_tar(shard1));
    std::vector<TarMember> shard2;
    for (int i = 8; i < 11; ++i) {
      for (auto& m : sample("s" + std::to_string(i), i)) shard2.push_back(m);
    }
    const std::string whole = testing::make_tar(shard2);
    const size_t cut = whole.find(shard2[6].data.substr(0, 64)) + 100;  // inside s10.jpg
    testing::write_file(folder + "/00002.tar", whole.substr(0, cut));
    return folder;
  }

  InferenceOptions options(std::vector<std::string> input) {
    InferenceOptions o;
    o.input_dataset = std::move(input);
    o.input_format = "webdataset";
    o.output_folder = dir_.file("out");
    o.clip_model = model_folder_;
    o.batch_size = 3;
    o.num_prepro_workers = 2;
    o.output_partition_count = 2;
    o.enable_metadata = true;
    return o;
  }

  std::vector<std::string> image_paths(const std::string& out, int partition) {
    const auto table = parquet::read_parquet_file(out + "/metadata/metadata_" +
                                                  std::to_string(partition) + ".parquet");
    std::vector<std::string> keys;
    for (size_t r = 0; r < table.num_rows(); ++r) {
      keys.emplace_back(table.column("image_path").bytes_at(r));
      EXPECT_EQ(table.column("key").bytes_at(r), keys.back());  // metadata row aligned
      EXPECT_EQ(table.column("caption").bytes_at(r), "caption of " + keys.back());
    }
    return keys;
  }

  testing::TempDir dir_;
  std::string model_folder_;
  InferenceEnvironment environment_;
  std::vector<std::string> images_;
};

TEST_F(InferenceWebdatasetTest, BadSamplesAndBrokenShardsAreCountedTheRestIsWritten) {
  const std::string shards = make_shards();
  const InferenceSummary summary =
      run_inference(options({shards + "/{00000..00002}.tar"}), environment_);
  // Partition 0 reads shards 0 and 2 (strided), partition 1 reads shard 1 (spec §1.3).
  EXPECT_EQ(image_paths(dir_.file("out"), 0),
            (std::vector<std::string>{"s0", "s1", "s3", "s8", "s9"}));
  EXPECT_EQ(image_paths(dir_.file("out"), 1), (std::vector<std::string>{"s4", "s5", "s6"}));
  EXPECT_EQ(summary.totals.samples, 8u);
  EXPECT_EQ(summary.totals.skipped.at("undecodable image"), 1u);
  EXPECT_EQ(summary.totals.skipped.at("no caption member"), 1u);
  EXPECT_EQ(summary.totals.broken_shards, 1u);
  EXPECT_EQ(core::NpyReader::open(dir_.file("out/img_emb/img_emb_0.npy")).rows(), 5u);
  EXPECT_EQ(core::NpyReader::open(dir_.file("out/text_emb/text_emb_1.npy")).rows(), 3u);
}

TEST_F(InferenceWebdatasetTest, ImageOnlyRunKeepsImageOnlySamples) {
  const std::string shards = make_shards();
  InferenceOptions o = options({shards + "/00001.tar"});
  o.enable_text = false;
  o.enable_metadata = false;
  o.output_partition_count = 1;
  run_inference(o, environment_);
  EXPECT_EQ(core::NpyReader::open(dir_.file("out/img_emb/img_emb_0.npy")).rows(), 4u);
  EXPECT_FALSE(fs::exists(dir_.file("out/text_emb")));
}

TEST_F(InferenceWebdatasetTest, PipeShardsAndListsGiveTheSameOutput) {
  const std::string shards = make_shards();
  InferenceOptions o = options({"pipe:cat " + shards + "/00000.tar", shards + "/00001.tar"});
  o.output_folder = dir_.file("piped");
  run_inference(o, environment_);
  EXPECT_EQ(image_paths(o.output_folder, 0), (std::vector<std::string>{"s0", "s1", "s3"}));
  EXPECT_EQ(image_paths(o.output_folder, 1), (std::vector<std::string>{"s4", "s5", "s6"}));
}

TEST_F(InferenceWebdatasetTest, MissingShardIsABrokenShardNotTheEnd) {
  const std::string shards = make_shards();
  InferenceOptions o = options({shards + "/00001.tar", shards + "/missing.tar"});
  o.output_partition_count = 1;
  const InferenceSummary summary = run_inference(o, environment_);
  EXPECT_EQ(summary.totals.samples, 3u);
  EXPECT_EQ(summary.totals.broken_shards, 1u);
}

// Mixed shards: a .jpg, a .png and a .webp sample. The default key takes the .jpg alone (as the
// original); webdataset's `jpg;png;webp` takes the first member present in each sample.
TEST_F(InferenceWebdatasetTest, ImageKeyAlternativesCoverMixedShards) {
  const std::string folder = dir_.file("mixed");
  fs::create_directories(folder);
  std::vector<TarMember> members;
  for (const auto& [key, file] : {std::pair{"m0", "rgb_640x480.jpg"},
                                  {"m1", "rgb_224x224.png"},
                                  {"m2", "rgb_257x333_odd.webp"}}) {
    const std::string path = testing::fixture_path(std::string("preprocess/") + file);
    const std::string ext = fs::path(file).extension().string();
    members.push_back({std::string(key) + ext, testing::read_file(path)});
    members.push_back({std::string(key) + ".txt", std::string("caption of ") + key});
  }
  testing::write_file(folder + "/mixed.tar", testing::make_tar(members));
  const auto embed = [&](const std::string& image_key, const std::string& out) {
    InferenceOptions o = options({folder + "/mixed.tar"});
    o.output_folder = dir_.file(out);
    o.output_partition_count = 1;
    o.enable_metadata = false;
    o.wds_image_key = image_key;
    return run_inference(o, environment_);
  };

  InferenceSummary summary = embed("jpg", "jpg_only");
  EXPECT_EQ(summary.totals.samples, 1u);
  EXPECT_EQ(summary.totals.skipped.at("no image member"), 2u);

  summary = embed("jpg;png;webp", "mixed_out");
  EXPECT_EQ(summary.totals.samples, 3u);
  EXPECT_EQ(summary.totals.skipped.count("no image member"), 0u);
  const auto mixed = core::NpyReader::open(dir_.file("mixed_out/img_emb/img_emb_0.npy"));
  ASSERT_EQ(mixed.rows(), 3u);

  // Each row is the embedding that the single-extension key gives for that sample.
  for (const auto& [row, key] : {std::pair{0, "jpg"}, {1, "png"}, {2, "webp"}}) {
    embed(key, std::string("only_") + key);
    const auto alone =
        core::NpyReader::open(dir_.file(std::string("only_") + key + "/img_emb/img_emb_0.npy"));
    ASSERT_EQ(alone.rows(), 1u) << key;
    EXPECT_EQ(std::memcmp(alone.row(0), mixed.row(static_cast<uint64_t>(row)), mixed.row_bytes()),
              0)
        << key;
  }
}

TEST_F(InferenceWebdatasetTest, TwoRanksEqualOneProcess) {
  const std::string shards = make_shards();
  const std::string common = "inference --input_dataset '" + shards +
                             "/{00000..00002}.tar' --input_format webdataset --clip_model " +
                             model_folder_ + " --output_partition_count 3 --batch_size 2 --quiet";
  auto single = testing::run_clip_retrieval(common + " --output_folder " + dir_.file("single"));
  ASSERT_EQ(single.exit_code, 0) << single.err;
  const std::string binary = std::string("'") + CLIPRET_BINARY + "' ";
  const std::string ranked =
      binary + common + " --output_folder " + dir_.file("ranked") + " --distribution_strategy mpi";
  auto pair = testing::run_command("OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 " + ranked +
                                   " & " + "OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 " +
                                   ranked + "; r0=$?; wait $!; r1=$?; " + "exit $((r0 + r1))");
  ASSERT_EQ(pair.exit_code, 0) << pair.err;
  for (const char* file :
       {"img_emb/img_emb_0.npy", "img_emb/img_emb_1.npy", "img_emb/img_emb_2.npy",
        "text_emb/text_emb_2.npy", "metadata/metadata_1.parquet"}) {
    EXPECT_EQ(testing::read_file(dir_.file(std::string("single/") + file)),
              testing::read_file(dir_.file(std::string("ranked/") + file)))
        << file;
  }
  if (std::system("command -v mpirun >/dev/null 2>&1") == 0) {
    auto mpi = testing::run_command("mpirun --allow-run-as-root --oversubscribe -n 2 " + binary +
                                    common + " --output_folder " + dir_.file("mpirun") +
                                    " --distribution_strategy mpi");
    ASSERT_EQ(mpi.exit_code, 0) << mpi.err;
    EXPECT_EQ(testing::read_file(dir_.file("single/img_emb/img_emb_1.npy")),
              testing::read_file(dir_.file("mpirun/img_emb/img_emb_1.npy")));
  }
}

TEST_F(InferenceWebdatasetTest, AFailingRankStopsRankZeroWithItsError) {
  const std::string shards = make_shards();
  const std::string out = dir_.file("failing");
  // Rank 1 owns partition 2 (3 partitions over 2 ranks); a non-empty directory where its
  // img_emb file must go makes its rename fail.
  fs::create_directories(out + "/img_emb/img_emb_2.npy/blocker");
  const std::string ranked =
      std::string("'") + CLIPRET_BINARY + "' inference --input_dataset '" + shards +
      "/{00000..00002}.tar' --input_format webdataset " + "--clip_model " + model_folder_ +
      " --output_partition_count 3 --quiet --distribution_strategy mpi " + "--output_folder " + out;
  auto pair = testing::run_command("OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 timeout 60 " +
                                   ranked + " 2>/dev/null & " +
                                   "OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 timeout 60 " +
                                   ranked + "; r0=$?; wait; " + "exit $r0");
  EXPECT_NE(pair.exit_code, 0);
  EXPECT_NE(pair.exit_code, 124) << "rank 0 waited until the timeout";
  EXPECT_NE(pair.err.find("another rank failed"), std::string::npos) << pair.err;
  EXPECT_NE(pair.err.find("rank 1: "), std::string::npos) << pair.err;
  EXPECT_NE(pair.err.find("img_emb_2.npy"), std::string::npos) << pair.err;
}

}  // namespace
}  // namespace clipret::inference
