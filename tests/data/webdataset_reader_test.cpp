#include "data/webdataset_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/stream.h"
#include "tar_builder.h"
#include "test_util.h"

namespace clipret::data {
namespace {

using clipret::testing::make_tar;
using clipret::testing::TarCompression;
using clipret::testing::TarMember;
using clipret::testing::TempDir;
using clipret::testing::write_file;

constexpr size_t kBigMember = 10000;

std::vector<Sample> read_all_samples(WebdatasetReader& reader) {
  std::vector<Sample> out;
  while (std::optional<Sample> sample = reader.next()) out.push_back(std::move(*sample));
  return out;
}

std::vector<Sample> read_bytes(const std::string& bytes, std::optional<ShardError>* error,
                               const WebdatasetOptions& options = {}) {
  WebdatasetReader reader(core::open_memory_stream("mem.tar", bytes), options);
  std::vector<Sample> out = read_all_samples(reader);
  *error = reader.error();
  EXPECT_FALSE(reader.next().has_value());  // stays finished
  return out;
}

// Three samples of jpg + txt + json, the jpg of each kBigMember bytes.
std::vector<TarMember> three_samples() {
  std::vector<TarMember> members;
  for (int i = 0; i < 3; ++i) {
    const std::string key = "shard/00" + std::to_string(i);
    members.push_back({key + ".jpg", std::string(kBigMember, static_cast<char>('a' + i))});
    members.push_back({key + ".txt", "caption " + std::to_string(i)});
    members.push_back({key + ".json", "{\"i\": " + std::to_string(i) + "}"});
  }
  return members;
}

void expect_three_samples(const std::vector<Sample>& samples, const std::string& shard) {
  ASSERT_EQ(samples.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const Sample& s = samples[i];
    EXPECT_EQ(s.key, "shard/00" + std::to_string(i));
    EXPECT_EQ(s.shard, shard);
    ASSERT_EQ(s.members.size(), 3u);
    ASSERT_TRUE(s.has("jpg"));
    EXPECT_EQ(*s.find("jpg"), std::string(kBigMember, static_cast<char>('a' + i)));
    EXPECT_EQ(*s.find("TXT"), "caption " + std::to_string(i));
    EXPECT_EQ(*s.find("json"), "{\"i\": " + std::to_string(i) + "}");
    EXPECT_FALSE(s.has("png"));
  }
}

TEST(WebdatasetReaderTest, GroupsMultiMemberSamples) {
  std::optional<ShardError> error;
  const std::vector<Sample> samples = read_bytes(make_tar(three_samples()), &error);
  EXPECT_FALSE(error.has_value());
  expect_three_samples(samples, "mem.tar");
}

TEST(WebdatasetReaderTest, DotsInFoldersAndMultiDotExtensions) {
  std::optional<ShardError> error;
  const std::vector<Sample> samples = read_bytes(
      make_tar({{"a.b.c/x.seg.png", "mask"}, {"a.b.c/x.JPG", "img"}, {"a.b.c/y.txt", "y"}}),
      &error);
  EXPECT_FALSE(error.has_value());
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].key, "a.b.c/x");
  EXPECT_EQ(*samples[0].find("seg.png"), "mask");
  EXPECT_EQ(*samples[0].find("jpg"), "img");  // extensions are lower-cased
  EXPECT_EQ(samples[1].key, "a.b.c/y");
}

TEST(WebdatasetReaderTest, SkipsDirectoriesLinksHiddenAndKeylessEntries) {
  WebdatasetReader reader(core::open_memory_stream(
      "mem.tar", make_tar({{"dir/", "", TarMember::Type::kDirectory},
                           {"dir/._000.jpg", "resource fork"},
                           {"dir/000.jpg", "img"},
                           {"dir/000.txt", "link target", TarMember::Type::kSymlink},
                           {"dir/README", "no dot"},
                           {"__meta__", "meta"},
                           {"dir/000.cls", "3"}})));
  const std::vector<Sample> samples = read_all_samples(reader);
  EXPECT_FALSE(reader.error().has_value());
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].key, "dir/000");
  EXPECT_EQ(samples[0].members.size(), 2u);
  EXPECT_TRUE(samples[0].has("cls"));
  EXPECT_EQ(reader.stats().skipped_entries, 5u);
  EXPECT_EQ(reader.stats().samples, 1u);
}

TEST(WebdatasetReaderTest, RepeatedKeyLaterIsANewSample) {
  std::optional<ShardError> error;
  const std::vector<Sample> samples =
      read_bytes(make_tar({{"a.jpg", "1"}, {"b.jpg", "2"}, {"a.txt", "3"}}), &error);
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].key, "a");
  EXPECT_EQ(samples[2].key, "a");
  EXPECT_TRUE(samples[2].has("txt"));
}

TEST(WebdatasetReaderTest, DuplicateMemberKeepsFirst) {
  WebdatasetReader reader(core::open_memory_stream(
      "mem.tar", make_tar({{"a.jpg", "first"}, {"a.JPG", "second"}, {"a.txt", "t"}})));
  const std::vector<Sample> samples = read_all_samples(reader);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(*samples[0].find("jpg"), "first");
  EXPECT_EQ(reader.stats().duplicate_members, 1u);
}

TEST(WebdatasetReaderTest, OversizedMemberIsSkipped) {
  WebdatasetOptions options;
  options.max_member_bytes = 100;
  WebdatasetReader reader(
      core::open_memory_stream("mem.tar", make_tar({{"a.jpg", std::string(101, 'x')},
                                                    {"a.txt", "caption"},
                                                    {"b.jpg", std::string(100, 'y')}})),
      options);
  const std::vector<Sample> samples = read_all_samples(reader);
  EXPECT_FALSE(reader.error().has_value());
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_FALSE(samples[0].has("jpg"));
  EXPECT_TRUE(samples[0].has("txt"));
  EXPECT_EQ(samples[1].find("jpg")->size(), 100u);
  EXPECT_EQ(reader.stats().oversized_members, 1u);
}

// One key with many extensions (a hostile shard) cannot hold more than max_sample_bytes: the
// members past it are skipped and counted; the next sample starts afresh.
TEST(WebdatasetReaderTest, MembersPastTheSampleLimitAreSkipped) {
  WebdatasetOptions options;
  options.max_sample_bytes = 250;
  std::vector<TarMember> members;
  for (int i = 0; i < 5; ++i) members.push_back({"a.x" + std::to_string(i), std::string(100, 'x')});
  members.push_back({"b.jpg", std::string(200, 'y')});
  members.push_back({"b.txt", "caption"});
  WebdatasetReader reader(core::open_memory_stream("mem.tar", make_tar(members)), options);
  const std::vector<Sample> samples = read_all_samples(reader);
  EXPECT_FALSE(reader.error().has_value());
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].members.size(), 2u);  // 200 bytes kept, the third would pass 250
  EXPECT_TRUE(samples[0].has("x0"));
  EXPECT_TRUE(samples[0].has("x1"));
  EXPECT_EQ(samples[1].members.size(), 2u);
  EXPECT_EQ(samples[1].find("jpg")->size(), 200u);
  EXPECT_EQ(reader.stats().oversized_members, 3u);
}

TEST(WebdatasetReaderTest, TruncatedShardYieldsEarlierSamplesAndReportsOffset) {
  const std::string tar = make_tar(three_samples());
  // The third sample's jpg data starts after the first two samples; cut in its middle.
  const size_t third_jpg = tar.find(std::string(100, 'c'));
  ASSERT_NE(third_jpg, std::string::npos);
  const size_t cut = third_jpg + kBigMember / 2;
  std::optional<ShardError> error;
  const std::vector<Sample> samples = read_bytes(tar.substr(0, cut), &error);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].key, "shard/000");
  EXPECT_EQ(samples[1].key, "shard/001");
  EXPECT_EQ(samples[1].members.size(), 3u);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->shard, "mem.tar");
  EXPECT_EQ(error->member, "shard/002.jpg");
  EXPECT_GT(error->offset, third_jpg);
  EXPECT_LE(error->offset, cut);
  EXPECT_FALSE(error->message.empty());
  const std::string text = error->to_string();
  EXPECT_NE(text.find("mem.tar"), std::string::npos) << text;
  EXPECT_NE(text.find(std::to_string(error->offset)), std::string::npos) << text;
}

TEST(WebdatasetReaderTest, TruncatedInsideHeader) {
  const std::string tar = make_tar(three_samples());
  const size_t second_header = tar.find("shard/001.jpg");
  ASSERT_NE(second_header, std::string::npos);
  std::optional<ShardError> error;
  const std::vector<Sample> samples = read_bytes(tar.substr(0, second_header + 100), &error);
  ASSERT_TRUE(error.has_value());
  // Sample 0 cannot be known complete (its last member was read, but more could follow).
  EXPECT_LE(samples.size(), 1u);
  EXPECT_LE(error->offset, second_header + 100);
}

TEST(WebdatasetReaderTest, GarbageAndEmptyInputAreReportedNotThrown) {
  std::optional<ShardError> error;
  std::string garbage(5000, '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 131) % 251);
  EXPECT_TRUE(read_bytes(garbage, &error).empty());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->shard, "mem.tar");
  EXPECT_FALSE(error->message.empty());

  EXPECT_TRUE(read_bytes("", &error).empty());
  EXPECT_TRUE(error.has_value());
}

TEST(WebdatasetReaderTest, CorruptHeaderChecksum) {
  std::string tar = make_tar(three_samples());
  const size_t second_header = tar.find("shard/001.jpg");
  ASSERT_NE(second_header, std::string::npos);
  tar[second_header + 150] ^= 0x5a;  // inside the header's checksum/type area
  std::optional<ShardError> error;
  const std::vector<Sample> samples = read_bytes(tar, &error);
  EXPECT_TRUE(error.has_value());
  EXPECT_LE(samples.size(), 1u);
}

TEST(WebdatasetReaderTest, GzipShard) {
  std::optional<ShardError> error;
  const std::string gz = make_tar(three_samples(), TarCompression::kGzip);
  ASSERT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  expect_three_samples(read_bytes(gz, &error), "mem.tar");
  EXPECT_FALSE(error.has_value());
}

TEST(WebdatasetReaderTest, TruncatedGzipShard) {
  const std::string gz = make_tar(three_samples(), TarCompression::kGzip);
  std::optional<ShardError> error;
  read_bytes(gz.substr(0, gz.size() / 2), &error);
  EXPECT_TRUE(error.has_value());
}

TEST(WebdatasetReaderTest, GzipShardTruncatedMidStream) {
  // Incompressible members so that the cut falls inside the third sample's compressed data.
  constexpr size_t kNoiseBytes = 200000;
  uint32_t state = 12345;
  std::vector<TarMember> members;
  for (int i = 0; i < 3; ++i) {
    std::string noise(kNoiseBytes, '\0');
    for (char& c : noise) {
      state = state * 1664525u + 1013904223u;
      c = static_cast<char>(state >> 24);
    }
    members.push_back({std::to_string(i) + ".bin", noise});
  }
  const std::string gz = make_tar(members, TarCompression::kGzip);
  std::optional<ShardError> error;
  const std::vector<Sample> samples = read_bytes(gz.substr(0, gz.size() * 5 / 6), &error);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[1].key, "1");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->member, "2.bin");
  // The offset counts uncompressed tar bytes: past the first two samples' data.
  EXPECT_GT(error->offset, 2 * kNoiseBytes);
  EXPECT_LT(error->offset, 3 * kNoiseBytes + 3 * 512);
}

TEST(WebdatasetReaderTest, ReadsThroughPipe) {
  TempDir dir;
  const std::string path = dir.file("000.tar");
  write_file(path, make_tar(three_samples()));
  const std::string location = "pipe:cat '" + path + "'";
  WebdatasetReader reader(core::open_input_stream(location));
  expect_three_samples(read_all_samples(reader), location);
  EXPECT_FALSE(reader.error().has_value());
}

TEST(WebdatasetReaderTest, FailingPipeIsABrokenShard) {
  TempDir dir;
  WebdatasetReader reader(core::open_input_stream("pipe:cat '" + dir.file("missing.tar") + "'"));
  EXPECT_TRUE(read_all_samples(reader).empty());
  ASSERT_TRUE(reader.error().has_value());
  EXPECT_NE(reader.error()->message.find("status 1"), std::string::npos) << reader.error()->message;
}

TEST(WebdatasetReaderTest, ShardListCountsBrokenShards) {
  TempDir dir;
  const std::string good = dir.file("000.tar");
  const std::string broken = dir.file("001.tar");
  const std::string garbage = dir.file("002.tar");
  write_file(good, make_tar(three_samples()));
  const std::string full = make_tar(three_samples());
  write_file(broken, full.substr(0, full.find(std::string(100, 'c')) + 10));
  write_file(garbage, std::string(3000, 'g'));
  std::vector<std::string> keys;
  const ShardListResult result = read_webdataset_shards(
      {good, broken, dir.file("missing.tar"), garbage, "pipe:cat '" + good + "'"},
      [&](Sample&& sample) { keys.push_back(sample.shard + "|" + sample.key); });
  EXPECT_EQ(result.shards, 5u);
  EXPECT_EQ(result.broken_shards, 3u);
  EXPECT_EQ(result.samples, 3u + 2u + 3u);
  EXPECT_EQ(keys.size(), result.samples);
  EXPECT_EQ(result.stats.samples, result.samples);
  ASSERT_EQ(result.errors.size(), 3u);
  EXPECT_EQ(result.errors[0].shard, broken);
  EXPECT_EQ(result.errors[1].shard, dir.file("missing.tar"));
  EXPECT_EQ(result.errors[2].shard, garbage);
  EXPECT_EQ(keys.front(), good + "|shard/000");
  EXPECT_EQ(keys.back(), "pipe:cat '" + good + "'|shard/002");
}

}  // namespace
}  // namespace clipret::data
