#include "download/download_options.h"

#include <algorithm>
#include <cmath>

#include "core/ascii_text.h"
#include "core/error.h"
#include "download/content_hash.h"

namespace clipret::download {
namespace {

bool one_of(const std::string& value, std::initializer_list<const char*> allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return value == a; });
}

std::string joined(std::initializer_list<const char*> items) {
  std::string out;
  for (const char* item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

void check_choice(const char* option, const std::string& value,
                  std::initializer_list<const char*> allowed) {
  if (!one_of(value, allowed)) {
    CLIPRET_THROW(InvalidInput, "%s must be one of %s, got '%s'", option, joined(allowed).c_str(),
                  value.c_str());
  }
}

void check_at_least(const char* option, double value, double minimum) {
  if (!(value >= minimum)) {
    CLIPRET_THROW(InvalidInput, "%s must be at least %g, got %g", option, minimum, value);
  }
}

// The fields img2dataset writes itself; an additional column of one of these names would be
// overwritten (img2dataset refuses them too).
constexpr std::initializer_list<const char*> kReservedColumns = {
    "key",    "caption",       "url",  "width", "height", "original_width", "original_height",
    "status", "error_message", "exif", "md5",   "sha256", "sha512"};

}  // namespace

std::vector<std::string> default_disallowed_directives() {
  return {"noai", "noimageai", "noindex", "noimageindex"};
}

void validate(const DownloadOptions& o) {
  if (o.url_list.empty()) CLIPRET_THROW(InvalidInput, "url_list is required");
  if (o.output_folder.empty()) CLIPRET_THROW(InvalidInput, "output_folder must not be empty");
  check_choice("input_format", o.input_format,
               {"txt", "txt.gz", "csv", "csv.gz", "tsv", "tsv.gz", "json", "json.gz", "jsonl",
                "jsonl.gz", "parquet"});
  if (o.output_format == "tfrecord") {
    CLIPRET_THROW(Unsupported,
                  "output_format tfrecord is not supported: use webdataset, files "
                  "or parquet");
  }
  check_choice("output_format", o.output_format, {"files", "webdataset", "parquet", "dummy"});
  if (o.distributor == "pyspark" || o.distributor == "ray") {
    CLIPRET_THROW(Unsupported,
                  "distributor %s is not supported: use multiprocessing (one machine) or mpi "
                  "(ranks of mpirun or srun share the shards)",
                  o.distributor.c_str());
  }
  check_choice("distributor", o.distributor, {"multiprocessing", "mpi"});
  check_choice("incremental_mode", o.incremental_mode, {"incremental", "overwrite", "extend"});
  if (o.bbox_col) {
    CLIPRET_THROW(Unsupported, "bbox_col (blurring) is not supported");
  }
  if (o.compute_hash && !is_hash_type(*o.compute_hash)) {
    CLIPRET_THROW(InvalidInput, "compute_hash must be None, md5, sha256 or sha512, got '%s'",
                  o.compute_hash->c_str());
  }
  if (!o.verify_hash.empty()) {
    if (o.verify_hash.size() != 2) {
      CLIPRET_THROW(InvalidInput,
                    "verify_hash must be [column, hash type], e.g. '[\"sha256hash\",\"sha256\"]'");
    }
    if (!o.compute_hash || o.verify_hash[1] != *o.compute_hash) {
      CLIPRET_THROW(InvalidInput,
                    "verify_hash's hash type '%s' must equal compute_hash ('%s'): the computed "
                    "hash is compared with the column",
                    o.verify_hash[1].c_str(), o.compute_hash ? o.compute_hash->c_str() : "None");
    }
  }
  for (const std::string& column : o.save_additional_columns) {
    if (one_of(column, kReservedColumns)) {
      CLIPRET_THROW(InvalidInput,
                    "save_additional_columns cannot hold '%s': download writes a field of that "
                    "name itself",
                    column.c_str());
    }
  }
  check_at_least("processes_count", static_cast<double>(o.processes_count), 1);
  check_at_least("thread_count", static_cast<double>(o.thread_count), 1);
  check_at_least("number_sample_per_shard", static_cast<double>(o.number_sample_per_shard), 1);
  check_at_least("oom_shard_count", static_cast<double>(o.oom_shard_count), 1);
  if (o.oom_shard_count > 12) CLIPRET_THROW(InvalidInput, "oom_shard_count must be at most 12");
  if (o.number_sample_per_shard > 1000000000) {
    CLIPRET_THROW(InvalidInput, "number_sample_per_shard must be at most 1000000000");
  }
  check_at_least("retries", static_cast<double>(o.retries), 0);
  check_at_least("max_shard_retry", static_cast<double>(o.max_shard_retry), 0);
  check_at_least("max_per_host", static_cast<double>(o.max_per_host), 1);
  check_at_least("max_image_bytes", static_cast<double>(o.max_image_bytes), 1);
  if (!(o.timeout > 0)) CLIPRET_THROW(InvalidInput, "timeout must be positive, got %g", o.timeout);
  ImageResizer checked(resize_options(o));  // throws for bad modes, interpolations, formats
}

ResizeOptions resize_options(const DownloadOptions& o) {
  ResizeOptions r;
  r.image_size = o.image_size;
  r.resize_mode = o.resize_mode;
  r.resize_only_if_bigger = o.resize_only_if_bigger;
  r.upscale_interpolation = o.upscale_interpolation;
  r.downscale_interpolation = o.downscale_interpolation;
  r.encode_format = o.encode_format;
  r.encode_quality = o.encode_quality;
  r.skip_reencode = o.skip_reencode;
  r.disable_all_reencoding = o.disable_all_reencoding;
  r.min_image_size = o.min_image_size;
  r.max_image_area = o.max_image_area;
  r.max_aspect_ratio = o.max_aspect_ratio;
  r.jpeg_dct_downscale = o.jpeg_dct_downscale;
  return r;
}

FetchOptions fetch_options(const DownloadOptions& o) {
  FetchOptions f;
  f.timeout_seconds = o.timeout;
  f.retries = o.retries;
  // img2dataset strips and lower-cases the token, for the header and for X-Robots-Tag matching.
  f.user_agent_token = core::ascii_lower(core::trim_space(o.user_agent_token.value_or("")));
  f.user_agent = user_agent_for(f.user_agent_token);
  f.disallowed_directives =
      o.disallowed_header_directives.value_or(default_disallowed_directives());
  f.max_body_bytes = static_cast<uint64_t>(o.max_image_bytes);
  f.max_concurrent = o.thread_count;
  f.max_per_host = o.max_per_host;
  f.ignore_ssl_certificate = o.ignore_ssl_certificate;
  f.allow_private_addresses = o.allow_private_addresses;
  return f;
}

int oom_sample_count(int64_t number_sample_per_shard) {
  // ceil(log10(n)) without floating point: the digits needed for indices 0..n-1.
  int digits = 0;
  int64_t power = 1;
  while (power < number_sample_per_shard) {
    power *= 10;
    ++digits;
  }
  return digits;
}

std::string sample_key(int64_t shard_id, int64_t index, int64_t number_sample_per_shard,
                       int64_t oom_shard_count) {
  const int oom_sample = oom_sample_count(number_sample_per_shard);
  int64_t scale = 1;
  for (int i = 0; i < oom_sample; ++i) scale *= 10;
  std::string digits = std::to_string(shard_id * scale + index);
  const size_t width = static_cast<size_t>(oom_sample + oom_shard_count);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

std::string shard_name(int64_t shard_id, int64_t oom_shard_count) {
  std::string digits = std::to_string(shard_id);
  const size_t width = static_cast<size_t>(oom_shard_count);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

}  // namespace clipret::download
