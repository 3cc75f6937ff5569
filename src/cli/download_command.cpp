// `clip-retrieval download`: img2dataset's options over DownloadOptions, then run_download.
#include "cli/download_command.h"

#include "cli/command.h"
#include "cli/option_table.h"
#include "core/interrupt.h"
#include "download/download_runner.h"

namespace clipret::cli {

void add_download_options(OptionTable& t, download::DownloadOptions& o) {
  t.add_string_list("url_list", &o.url_list,
                    "the urls: a file, a folder (every *.<input_format> in it), or brace "
                    "patterns such as \"parts/{00..09}.parquet\"",
                    /*required=*/true);
  t.add_string("output_folder", &o.output_folder,
               "where the shards go: <shard>.tar or <shard>/, <shard>.parquet, "
               "<shard>_stats.json");
  t.add_int("processes_count", &o.processes_count,
            "shards downloaded at the same time (img2dataset's processes; here threads of one "
            "process)");
  t.add_int("thread_count", &o.thread_count, "concurrent transfers per shard");
  t.add_int("image_size", &o.image_size, "target size in pixels (see resize_mode)");
  t.add_string("resize_mode", &o.resize_mode,
               "no, border (longer side to image_size, padded white to a square), keep_ratio "
               "(shorter side to image_size), keep_ratio_largest (longer side), center_crop "
               "(shorter side, then a centred square)");
  t.add_bool("resize_only_if_bigger", &o.resize_only_if_bigger, "never enlarge");
  t.add_string("upscale_interpolation", &o.upscale_interpolation,
               "OpenCV interpolation when enlarging: nearest, linear, cubic, area, lanczos");
  t.add_string("downscale_interpolation", &o.downscale_interpolation,
               "OpenCV interpolation when shrinking: nearest, linear, cubic, area, lanczos");
  t.add_int("encode_quality", &o.encode_quality,
            "jpg/webp quality 0-100; for png the compression level 0-9");
  t.add_string("encode_format", &o.encode_format, "jpg, png or webp");
  t.add_bool("skip_reencode", &o.skip_reencode,
             "keep the downloaded bytes when nothing was resized and the format is already "
             "encode_format");
  t.add_string("output_format", &o.output_format,
               "files, webdataset, parquet (images in a column) or dummy (stats only)");
  t.add_string("input_format", &o.input_format,
               "txt, csv, tsv, json, jsonl (each also .gz) or parquet");
  t.add_string("url_col", &o.url_col, "column of the urls (not for txt)");
  t.add_optional_string("caption_col", &o.caption_col,
                        "column of the captions, saved as <key>.txt; None: no captions");
  t.add_optional_string("bbox_col", &o.bbox_col, "not supported (blurring of regions)");
  t.add_int("number_sample_per_shard", &o.number_sample_per_shard, "rows per shard");
  t.add_bool("extract_exif", &o.extract_exif, "store the EXIF tags (JSON text) as `exif`");
  t.add_string_list("save_additional_columns", &o.save_additional_columns,
                    "input columns copied into each sample's metadata, e.g. '[\"NSFW\"]'");
  t.add_float("timeout", &o.timeout,
              "seconds per attempt: to connect and to receive the whole image (a slow or "
              "endless response fails at it)");
  t.add_bool("enable_wandb", &o.enable_wandb, "not supported: accepted with a warning");
  t.add_string("wandb_project", &o.wandb_project, "accepted for compatibility");
  t.add_int("oom_shard_count", &o.oom_shard_count, "digits of shard numbers");
  t.add_optional_string("compute_hash", &o.compute_hash,
                        "hash of the downloaded bytes stored per sample: md5, sha256, sha512 or "
                        "None");
  t.add_string_list("verify_hash", &o.verify_hash,
                    "'[\"column\",\"sha256\"]': refuse a download whose hash differs from the "
                    "column (hash type = compute_hash)");
  t.add_string("distributor", &o.distributor,
               "multiprocessing (this machine) or mpi (ranks of mpirun/srun split the shards)");
  t.add_int("subjob_size", &o.subjob_size, "accepted for compatibility (pyspark); no effect");
  t.add_int("retries", &o.retries,
            "extra attempts of a url after a failure that may pass (timeouts, connection "
            "errors, 429, 5xx), with exponential backoff and jitter");
  t.add_bool("disable_all_reencoding", &o.disable_all_reencoding,
             "store the downloaded bytes as they are (no decoding, no checks)");
  t.add_int("min_image_size", &o.min_image_size,
            "refuse images whose shorter side is smaller (pixels)");
  t.add_float("max_image_area", &o.max_image_area, "refuse images with more pixels than this");
  t.add_float("max_aspect_ratio", &o.max_aspect_ratio,
              "refuse images whose longer/shorter side ratio is larger");
  t.add_string("incremental_mode", &o.incremental_mode,
               "incremental (skip shards with a stats file), overwrite (delete the folder "
               "first) or extend (new shards after the existing ones)");
  t.add_int("max_shard_retry", &o.max_shard_retry,
            "times a shard that failed as a whole is run again at the end");
  t.add_optional_string("user_agent_token", &o.user_agent_token,
                        "token added to the User-Agent and matched in X-Robots-Tag");
  t.add_optional_string_list("disallowed_header_directives", &o.disallowed_header_directives,
                             "X-Robots-Tag directives that refuse an image; None: noai, "
                             "noimageai, noindex, noimageindex; '[]' disables the check");
  t.add_bool("ignore_ssl_certificate", &o.ignore_ssl_certificate,
             "do not verify TLS certificates and host names");
  t.add_int("max_image_bytes", &o.max_image_bytes, "a larger response fails the sample (new)");
  t.add_int("max_per_host", &o.max_per_host, "concurrent transfers to one host (new)");
  t.add_bool("jpeg_dct_downscale", &o.jpeg_dct_downscale,
             "decode JPEGs that will be shrunk at 1/2, 1/4 or 1/8 scale in libjpeg first (the "
             "fitted side stays >= image_size): 1.3-2x faster on large photos, pixels slightly "
             "different from img2dataset's (new)");
}

namespace {

OptionTable download_table(download::DownloadOptions& options) {
  OptionTable table(
      "clip-retrieval download",
      "Download, resize and store the images of a url list, as img2dataset does: shards of "
      "images with their caption and metadata, a <shard>.parquet with one row per url (its "
      "status and error), <shard>_stats.json. Rerun the same command to resume.");
  add_download_options(table, options);
  return table;
}

}  // namespace

std::vector<OptionTable> download_tables() {
  static download::DownloadOptions defaults;
  return {download_table(defaults)};
}

int run_download_command(const std::vector<std::string>& args) {
  download::DownloadOptions options;
  OptionTable table = download_table(options);
  if (!parse_or_show_help(table, args)) return 0;
  const std::atomic<bool>& stop = core::install_interrupt_handlers();
  const download::DownloadSummary summary = download::run_download(options, &stop);
  if (stop.load()) return 130;
  if (summary.shards_failed == 0) return 0;
  // Every failed shard failed on a file (a full disk, a lost mount): an I/O error, as other
  // commands exit with one; else some shards failed.
  return summary.shards_failed_io == summary.shards_failed ? 4 : 1;
}

}  // namespace clipret::cli
