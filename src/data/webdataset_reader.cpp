#include "data/webdataset_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <utility>

#include "core/ascii_text.h"
#include "core/error.h"
#include "core/log.h"
#include "core/stream.h"
#include "data/sample_key.h"

namespace clipret::data {
namespace {

constexpr size_t kStreamBufferBytes = size_t{1} << 16;
constexpr size_t kMemberChunkBytes = size_t{1} << 16;
// After the tar's end marker, how much trailing input is read to let a `pipe:` child finish
// (and report a failed exit) before the stream is closed.
constexpr size_t kMaxTrailingBytes = size_t{1} << 20;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

}  // namespace

const std::string* Sample::find(std::string_view ext) const {
  auto it = members.find(core::ascii_lower(ext));
  return it == members.end() ? nullptr : &it->second;
}

std::string* Sample::find_first(std::string_view alternatives) {
  while (true) {
    const size_t end = alternatives.find(';');
    if (const std::string* member = find(alternatives.substr(0, end))) {
      return const_cast<std::string*>(member);  // find() is const only to serve both callers
    }
    if (end == std::string_view::npos) return nullptr;
    alternatives.remove_prefix(end + 1);
  }
}

std::string ShardError::to_string() const {
  std::string out = string_printf("%s: broken at byte %llu", shard.c_str(),
                                  static_cast<unsigned long long>(offset));
  if (!member.empty()) out += " (in member " + member + ")";
  return out + ": " + message;
}

struct WebdatasetReader::Impl {
  std::unique_ptr<core::InputStream> stream;
  std::string shard;
  WebdatasetOptions options;
  std::unique_ptr<archive, ArchiveDeleter> reader;
  std::vector<char> stream_buffer = std::vector<char>(kStreamBufferBytes);
  std::vector<char> member_buffer = std::vector<char>(kMemberChunkBytes);
  std::string stream_error;              // what() of an exception thrown by the stream
  std::exception_ptr foreign_exception;  // anything else thrown inside a callback: rethrown
  bool started = false;
  bool done = false;
  std::optional<ShardError> error;
  WebdatasetStats stats;
  std::optional<Sample> pending;  // the sample being assembled
  uint64_t pending_bytes = 0;     // its members' bytes so far
  std::string current_member;     // path of the member being read, for error reports

  static la_ssize_t read_callback(archive* a, void* client, const void** out) {
    auto* self = static_cast<Impl*>(client);
    try {
      *out = self->stream_buffer.data();
      return static_cast<la_ssize_t>(
          self->stream->read(self->stream_buffer.data(), self->stream_buffer.size()));
    } catch (const std::exception& e) {
      self->stream_error = e.what();
    } catch (...) {
      self->foreign_exception = std::current_exception();
      self->stream_error = "unknown exception from the stream";
    }
    archive_set_error(a, EIO, "%s", self->stream_error.c_str());
    return ARCHIVE_FATAL;
  }

  uint64_t offset() const {
    const la_int64_t bytes = reader ? archive_filter_bytes(reader.get(), 0) : 0;
    return bytes > 0 ? static_cast<uint64_t>(bytes) : 0;
  }

  // Ends the shard with an error; the pending (possibly incomplete) sample is dropped.
  void fail(const std::string& reason) {
    if (foreign_exception) std::rethrow_exception(std::exchange(foreign_exception, nullptr));
    ShardError e;
    e.shard = shard;
    e.offset = offset();
    e.member = current_member;
    if (!stream_error.empty()) {
      e.message = stream_error;
    } else if (reader && archive_error_string(reader.get()) != nullptr) {
      e.message = reason + ": " + archive_error_string(reader.get());
    } else {
      e.message = reason;
    }
    CLIPRET_LOG_WARN("webdataset: %s", e.to_string().c_str());
    error = std::move(e);
    pending.reset();
    close();
  }

  void close() {
    done = true;
    reader.reset();
    stream.reset();  // a `pipe:` child still running is killed here
  }

  bool start() {
    started = true;
    reader.reset(archive_read_new());
    CLIPRET_CHECK(reader != nullptr, Internal, "%s: archive_read_new failed", shard.c_str());
    archive* a = reader.get();
    archive_read_support_format_tar(a);
    // Raw compression around the tar. A filter libarchive lacks a library for falls back to an
    // external program (ARCHIVE_WARN), which is acceptable.
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    if (archive_read_open(a, this, nullptr, &Impl::read_callback, nullptr) != ARCHIVE_OK) {
      fail("cannot open as tar");
      return false;
    }
    return true;
  }

  // True when `bytes` more keep the pending sample within max_sample_bytes; otherwise the member
  // `path` is counted as oversized and logged.
  bool fits_pending_sample(uint64_t bytes, const std::string& path) {
    if (options.max_sample_bytes == 0 || pending_bytes + bytes <= options.max_sample_bytes) {
      return true;
    }
    ++stats.oversized_members;
    CLIPRET_LOG_WARN(
        "webdataset: %s: skipping member %s: sample %s would hold more than %llu bytes",
        shard.c_str(), path.c_str(), pending->key.c_str(),
        static_cast<unsigned long long>(options.max_sample_bytes));
    return false;
  }

  // Reads the current entry's data into `out`. False (after fail()) if the shard broke.
  bool read_member_data(std::string& out, uint64_t expected_size) {
    out.clear();
    out.reserve(static_cast<size_t>(std::min<uint64_t>(expected_size, kMemberChunkBytes * 64)));
    for (;;) {
      const la_ssize_t got =
          archive_read_data(reader.get(), member_buffer.data(), member_buffer.size());
      if (got == 0) return true;
      if (got < 0) {
        fail("cannot read member data");
        return false;
      }
      out.append(member_buffer.data(), static_cast<size_t>(got));
      if (options.max_member_bytes != 0 && out.size() > options.max_member_bytes) {
        // Its header declared no size, or one within the limit: the data runs past both.
        fail(string_printf("member data runs past the %llu-byte limit (its header says %llu)",
                           static_cast<unsigned long long>(options.max_member_bytes),
                           static_cast<unsigned long long>(expected_size)));
        return false;
      }
    }
  }

  // After the end-of-archive marker: read a little trailing input so a `pipe:` command can
  // exit and have its status checked.
  void finish_stream() {
    if (stream == nullptr) return;
    try {
      size_t trailing = 0;
      while (trailing < kMaxTrailingBytes) {
        const size_t got = stream->read(stream_buffer.data(), stream_buffer.size());
        if (got == 0) break;
        trailing += got;
      }
    } catch (const std::exception& e) {
      stream_error = e.what();
      fail("stream failed after the end of the tar");
    }
  }

  std::optional<Sample> next();
};

std::optional<Sample> WebdatasetReader::Impl::next() {
  if (done) return std::nullopt;
  if (!started && !start()) return std::nullopt;
  for (;;) {
    current_member.clear();
    archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) {
      finish_stream();
      std::optional<Sample> last = error ? std::nullopt : std::move(pending);
      pending.reset();
      close();
      if (last) ++stats.samples;
      return last;
    }
    // ARCHIVE_RETRY (a damaged header, e.g. a bad checksum) ends the shard too: what follows
    // cannot be trusted to line up with sample boundaries.
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      fail("cannot read the next tar header");
      return std::nullopt;
    }
    const char* path_c = archive_entry_pathname(entry);
    const std::string path = path_c != nullptr ? path_c : "";
    if (rc == ARCHIVE_WARN) {
      CLIPRET_LOG_DEBUG("webdataset: %s: %s: %s", shard.c_str(), path.c_str(),
                        archive_error_string(reader.get()) != nullptr
                            ? archive_error_string(reader.get())
                            : "warning");
    }
    std::optional<MemberName> name;
    if (archive_entry_filetype(entry) == AE_IFREG) name = split_member_name(path);
    if (!name) {
      ++stats.skipped_entries;
      continue;  // libarchive skips the unread data at the next header
    }
    const uint64_t size = archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > 0
                              ? static_cast<uint64_t>(archive_entry_size(entry))
                              : 0;
    if (options.max_member_bytes != 0 && size > options.max_member_bytes) {
      ++stats.oversized_members;
      CLIPRET_LOG_WARN("webdataset: %s: skipping member %s: %llu bytes, over the %llu limit",
                       shard.c_str(), path.c_str(), static_cast<unsigned long long>(size),
                       static_cast<unsigned long long>(options.max_member_bytes));
      continue;
    }
    // A new key completes the pending sample: it is returned even if this member breaks.
    std::optional<Sample> complete;
    if (pending && pending->key != name->key) {
      complete = std::move(pending);
      pending.reset();
    }
    if (!pending) {
      pending = Sample{name->key, shard, {}};
      pending_bytes = 0;
    }
    const bool fits = fits_pending_sample(size, path);  // else counted and logged
    if (fits && pending->members.count(name->extension) != 0) {
      ++stats.duplicate_members;
      CLIPRET_LOG_WARN("webdataset: %s: duplicate member %s in sample %s, keeping the first",
                       shard.c_str(), path.c_str(), pending->key.c_str());
    } else if (fits) {
      current_member = path;
      std::string data;
      // The header's size may be unset (0): the bytes read decide.
      if (read_member_data(data, size) && fits_pending_sample(data.size(), path)) {
        pending_bytes += data.size();
        pending->members.emplace(name->extension, std::move(data));
        ++stats.members;
      }
    }
    if (complete) {
      ++stats.samples;
      return complete;
    }
    if (done) return std::nullopt;
  }
}

WebdatasetReader::WebdatasetReader(std::unique_ptr<core::InputStream> stream,
                                   const WebdatasetOptions& options)
    : impl_(std::make_unique<Impl>()) {
  CLIPRET_CHECK(stream != nullptr, InvalidInput, "WebdatasetReader: null stream");
  impl_->shard = stream->name();
  impl_->stream = std::move(stream);
  impl_->options = options;
}

WebdatasetReader::~WebdatasetReader() = default;

std::optional<Sample> WebdatasetReader::next() {
  return impl_->next();
}

const std::optional<ShardError>& WebdatasetReader::error() const {
  return impl_->error;
}

const WebdatasetStats& WebdatasetReader::stats() const {
  return impl_->stats;
}

ShardListResult read_webdataset_shards(const std::vector<std::string>& shards,
                                       const std::function<void(Sample&&)>& on_sample,
                                       const WebdatasetOptions& options) {
  ShardListResult result;
  for (const std::string& shard : shards) {
    ++result.shards;
    std::unique_ptr<core::InputStream> stream;
    try {
      stream = core::open_input_stream(shard);
    } catch (const Error& e) {
      CLIPRET_LOG_WARN("webdataset: %s: cannot open: %s", shard.c_str(), e.what());
      ++result.broken_shards;
      result.errors.push_back(ShardError{shard, 0, "", e.what()});
      continue;
    }
    WebdatasetReader reader(std::move(stream), options);
    while (std::optional<Sample> sample = reader.next()) {
      ++result.samples;
      on_sample(std::move(*sample));
    }
    if (reader.error()) {
      ++result.broken_shards;
      result.errors.push_back(*reader.error());
    }
    const WebdatasetStats& s = reader.stats();
    result.stats.samples += s.samples;
    result.stats.members += s.members;
    result.stats.skipped_entries += s.skipped_entries;
    result.stats.oversized_members += s.oversized_members;
    result.stats.duplicate_members += s.duplicate_members;
  }
  return result;
}

}  // namespace clipret::data
