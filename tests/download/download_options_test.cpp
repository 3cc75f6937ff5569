// DownloadOptions: img2dataset's key and shard naming (notes §4, §5) and its validation rules
// (notes §1), each refusal naming the option.
#include "download/download_options.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace clipret::download {
namespace {

TEST(SampleKey, Img2datasetDigitsAndPadding) {
  // notes §4: defaults (10000 per shard, oom_shard_count 5) give 9 digits; shard 1 row 5.
  EXPECT_EQ(sample_key(1, 5, 10000, 5), "000010005");
  EXPECT_EQ(sample_key(0, 0, 10000, 5), "000000000");
  EXPECT_EQ(sample_key(123, 9999, 10000, 5), "001239999");
  // ceil(log10(n)): 1000 -> 3 digits, 1001 -> 4, 1 -> 0 (the shard id alone).
  EXPECT_EQ(oom_sample_count(1000), 3);
  EXPECT_EQ(oom_sample_count(1001), 4);
  EXPECT_EQ(oom_sample_count(1), 0);
  EXPECT_EQ(oom_sample_count(10), 1);
  EXPECT_EQ(sample_key(7, 0, 1, 5), "00007");
  EXPECT_EQ(sample_key(2, 3, 10, 2), "023");
  // A shard id wider than oom_shard_count is not cut.
  EXPECT_EQ(shard_name(123456, 5), "123456");
  EXPECT_EQ(shard_name(12, 5), "00012");
}

void expect_refused(const DownloadOptions& options, const std::string& needle,
                    ErrorKind kind = ErrorKind::kInvalidInput) {
  try {
    validate(options);
    ADD_FAILURE() << "accepted; expected an error naming " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

DownloadOptions valid() {
  DownloadOptions o;
  o.url_list = {"urls.txt"};
  return o;
}

TEST(ValidateDownloadOptions, DefaultsAreValid) {
  EXPECT_NO_THROW(validate(valid()));
}

TEST(ValidateDownloadOptions, RefusesWhatImg2datasetRefuses) {
  DownloadOptions o = valid();
  o.compute_hash = "sha1";
  expect_refused(o, "compute_hash");
  o = valid();
  o.verify_hash = {"sha512hash", "sha512"};  // compute_hash stays sha256
  expect_refused(o, "verify_hash");
  o = valid();
  o.verify_hash = {"only-one"};
  expect_refused(o, "verify_hash");
  o = valid();
  o.save_additional_columns = {"NSFW", "status"};
  expect_refused(o, "status");
  o = valid();
  o.input_format = "xml";
  expect_refused(o, "input_format");
  o = valid();
  o.output_format = "zip";
  expect_refused(o, "output_format");
  o = valid();
  o.incremental_mode = "resume";
  expect_refused(o, "incremental_mode");
  o = valid();
  o.resize_mode = "stretch";
  expect_refused(o, "resize_mode");
  o = valid();
  o.encode_format = "gif";
  expect_refused(o, "encode_format");
  o = valid();
  o.encode_format = "png";  // png's quality is a compression level 0-9
  expect_refused(o, "encode_quality");
  o = valid();
  o.downscale_interpolation = "smooth";
  expect_refused(o, "downscale_interpolation");
  o = valid();
  o.thread_count = 0;
  expect_refused(o, "thread_count");
  o = valid();
  o.timeout = 0;
  expect_refused(o, "timeout");
  o = valid();
  o.url_list.clear();
  expect_refused(o, "url_list");
}

TEST(ValidateDownloadOptions, WhatThisBuildLacksIsUnsupported) {
  DownloadOptions o = valid();
  o.output_format = "tfrecord";
  expect_refused(o, "tfrecord", ErrorKind::kUnsupported);
  o = valid();
  o.distributor = "pyspark";
  expect_refused(o, "pyspark", ErrorKind::kUnsupported);
  o = valid();
  o.bbox_col = "bboxes";
  expect_refused(o, "bbox_col", ErrorKind::kUnsupported);
}

TEST(FetchOptionsFromDownload, DirectivesDefaultAndUserAgent) {
  DownloadOptions o = valid();
  EXPECT_EQ(fetch_options(o).disallowed_directives,
            (std::vector<std::string>{"noai", "noimageai", "noindex", "noimageindex"}));
  o.disallowed_header_directives = std::vector<std::string>{};
  EXPECT_TRUE(fetch_options(o).disallowed_directives.empty());
  o.user_agent_token = "MyBot";
  const FetchOptions f = fetch_options(o);
  EXPECT_NE(f.user_agent.find("(compatible; mybot; +https://github.com/rom1504/img2dataset)"),
            std::string::npos)
      << f.user_agent;
  EXPECT_EQ(f.max_concurrent, 256);
}

}  // namespace
}  // namespace clipret::download
