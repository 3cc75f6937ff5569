// Fuzz target webdataset: the webdataset shard reader (data/webdataset_reader.h: libarchive's tar,
// raw or gzip/bzip2/xz/zstd-compressed, and the grouping of members into samples by
// data/sample_key.h) on arbitrary bytes as a shard file, read to the end as inference's webdataset
// source does, then looked up as it does (the image and caption extensions, "json"). A broken
// shard must end in error() with the samples before the break returned, never in an exception;
// every sample must keep the header's promises: a non-empty key, at least one member, lower-case
// non-empty extensions, no member over max_member_bytes, a key other than the previous sample's,
// and stats that count what was returned. Members are capped at 16 MiB (the reader's own bound,
// set low here) so that a compressed bomb stays within the fuzzer's memory limit.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "core/log.h"
#include "core/stream.h"
#include "data/webdataset_reader.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {
namespace {

constexpr uint64_t kMaxMemberBytes = uint64_t{16} << 20;

bool has_ascii_upper(const std::string& s) {
  for (const char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

std::string ascii_upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

// What inference's webdataset source does with a sample (inference/webdataset_sample_source.cpp,
// default keys "jpg" and "txt"), with the lookups checked against the member map.
void look_up(data::Sample& sample) {
  for (const auto& [ext, bytes] : sample.members) {
    fuzz_check(sample.find(ext) == &bytes, "webdataset: find() misses a member");
    fuzz_check(sample.find(ascii_upper(ext)) == &bytes,
               "webdataset: find() is not case-insensitive");
  }
  const std::string* first = sample.find("jpg");
  if (first == nullptr) first = sample.find("png");
  if (first == nullptr) first = sample.find("webp");
  fuzz_check(sample.find_first("jpg;png;webp") == first,
             "webdataset: find_first() does not take the first alternative present");
  fuzz_check(sample.find_first("txt") == sample.find("txt"), "webdataset: find_first(one)");
  static_cast<void>(sample.find_first(";json;;"));
}

}  // namespace

int fuzz_one_webdataset(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    if (std::getenv("CLIPRET_FUZZ_VERBOSE") == nullptr) core::set_log_level(core::LogLevel::kOff);
    return true;
  }();
  static_cast<void>(quiet);
  const std::string path = fuzz_temp_file("webdataset.tar", data, size);
  accept_or_reject([&] {
    data::WebdatasetOptions options;
    options.max_member_bytes = kMaxMemberBytes;
    data::WebdatasetReader reader(core::open_input_stream(path), options);
    size_t samples = 0;
    size_t members = 0;
    std::string previous_key;
    while (std::optional<data::Sample> sample = reader.next()) {
      ++samples;
      fuzz_check(!sample->key.empty(), "webdataset: empty sample key");
      fuzz_check(sample->key != previous_key, "webdataset: consecutive samples share a key");
      fuzz_check(sample->shard == path, "webdataset: sample names another shard");
      fuzz_check(!sample->members.empty(), "webdataset: sample without members");
      for (const auto& [ext, bytes] : sample->members) {
        fuzz_check(!ext.empty(), "webdataset: empty extension");
        fuzz_check(!has_ascii_upper(ext), "webdataset: extension not lower-case");
        fuzz_check(bytes.size() <= kMaxMemberBytes, "webdataset: member over max_member_bytes");
      }
      members += sample->members.size();
      fuzz_check(reader.stats().samples == samples, "webdataset: stats.samples");
      look_up(*sample);
      previous_key = sample->key;
    }
    fuzz_check(!reader.next().has_value(), "webdataset: a sample after the end");
    const data::WebdatasetStats& stats = reader.stats();
    fuzz_check(stats.samples == samples, "webdataset: stats.samples at the end");
    if (reader.error()) {
      const data::ShardError& e = *reader.error();
      fuzz_check(e.shard == path, "webdataset: error names another shard");
      fuzz_check(!e.message.empty(), "webdataset: error without a reason");
      fuzz_check(!e.to_string().empty(), "webdataset: empty error text");
      fuzz_check(stats.members >= members, "webdataset: stats.members below the members read");
    } else {
      fuzz_check(stats.members == members, "webdataset: stats.members of a clean shard");
    }
  });
  std::remove(path.c_str());
  return 0;
}

}  // namespace clipret::fuzz
