// download/download_options.h: `clip-retrieval download`'s options, img2dataset's names and
// defaults (../shared/reference/img2dataset-notes.md §1), and their validation.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "download/fetcher.h"
#include "download/image_resizer.h"

namespace clipret::download {

struct DownloadOptions {
  std::vector<std::string> url_list;  // a file, a folder, or brace patterns of files
  std::string output_folder = "images";
  int64_t processes_count = 1;  // shards downloaded at the same time in this process
  int64_t thread_count = 256;   // concurrent transfers per shard
  int64_t image_size = 256;
  std::string resize_mode = "border";  // no, border, keep_ratio, keep_ratio_largest, center_crop
  bool resize_only_if_bigger = false;
  std::string upscale_interpolation = "lanczos";
  std::string downscale_interpolation = "area";
  int64_t encode_quality = 95;
  std::string encode_format = "jpg";  // jpg, png, webp
  bool skip_reencode = false;
  std::string output_format = "files";  // files, webdataset, parquet, dummy
  std::string input_format = "txt";
  std::string url_col = "url";
  std::optional<std::string> caption_col;
  std::optional<std::string> bbox_col;  // refused: blurring is not implemented
  int64_t number_sample_per_shard = 10000;
  bool extract_exif = true;
  std::vector<std::string> save_additional_columns;
  double timeout = 10;  // seconds: connect, and without a byte of the response
  bool enable_wandb = false;
  std::string wandb_project = "img2dataset";
  int64_t oom_shard_count = 5;
  std::optional<std::string> compute_hash = std::string("sha256");  // md5, sha256, sha512
  std::vector<std::string> verify_hash;                             // [column, hash type] or empty
  std::string distributor = "multiprocessing";  // multiprocessing, mpi (ranks of mpirun/srun)
  int64_t subjob_size = 1000;                   // accepted (pyspark's); no effect
  int64_t retries = 0;
  bool disable_all_reencoding = false;
  int64_t min_image_size = 0;
  double max_image_area = std::numeric_limits<double>::infinity();
  double max_aspect_ratio = std::numeric_limits<double>::infinity();
  std::string incremental_mode = "incremental";  // incremental, overwrite, extend
  int64_t max_shard_retry = 1;
  std::optional<std::string> user_agent_token;
  // None: noai, noimageai, noindex, noimageindex. An empty list disables the check.
  std::optional<std::vector<std::string>> disallowed_header_directives;
  bool ignore_ssl_certificate = false;

  // New, not in img2dataset.
  int64_t max_image_bytes = int64_t{64} << 20;  // a larger body fails the sample
  int64_t max_per_host = 16;                    // concurrent transfers to one host
  // Connections to loopback and private addresses are allowed (local mirrors, tests).
  bool allow_private_addresses = true;
  // JPEGs decoded at 1/2, 1/4 or 1/8 scale by libjpeg before shrinking: faster, not img2dataset's
  // exact pixels (ResizeOptions::jpeg_dct_downscale).
  bool jpeg_dct_downscale = false;
};

// The X-Robots-Tag directives refused by default.
std::vector<std::string> default_disallowed_directives();

// Checks values and combinations as img2dataset does before starting, with a message naming the
// option. Throws Error(kInvalidInput), or Error(kUnsupported) for options this build does not
// have (bbox_col, output formats tfrecord, distributors pyspark and ray).
void validate(const DownloadOptions& options);

// The resizer's and the fetcher's share of the options.
ResizeOptions resize_options(const DownloadOptions& options);
FetchOptions fetch_options(const DownloadOptions& options);

// Number of decimal digits of in-shard indices: ceil(log10(number_sample_per_shard)).
int oom_sample_count(int64_t number_sample_per_shard);

// The zero-padded key of row `index` of shard `shard_id` (img2dataset §4).
std::string sample_key(int64_t shard_id, int64_t index, int64_t number_sample_per_shard,
                       int64_t oom_shard_count);

// The shard's name: its id zero-padded to oom_shard_count digits ("00012").
std::string shard_name(int64_t shard_id, int64_t oom_shard_count);

}  // namespace clipret::download
