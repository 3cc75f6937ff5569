#include "model/zip_archive.h"

#include <unzip.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "core/random_access_file.h"

namespace clipret::model {

namespace {

constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflated = 8;
constexpr unsigned long kFlagEncrypted = 1;
constexpr size_t kReadChunkBytes = 1 << 20;
constexpr size_t kEndRecordBytes = 22;  // end of central directory record, without its comment
constexpr size_t kMaxCommentBytes = 0xffff;
constexpr unsigned char kEndSignature[4] = {'P', 'K', 5, 6};

struct UnzCloser {
  void operator()(void* zip) const { unzClose(zip); }
};
using UnzHandle = std::unique_ptr<void, UnzCloser>;

// Closes the entry opened by unzOpenCurrentFile on every way out, the error paths included.
class OpenEntry {
 public:
  explicit OpenEntry(unzFile zip) : zip_(zip) {}
  ~OpenEntry() {
    if (zip_ != nullptr) unzCloseCurrentFile(zip_);
  }
  OpenEntry(const OpenEntry&) = delete;
  OpenEntry& operator=(const OpenEntry&) = delete;
  // Closes now and returns minizip's verdict (UNZ_CRCERROR after a full read with a bad CRC).
  int close() {
    const int rc = unzCloseCurrentFile(zip_);
    zip_ = nullptr;
    return rc;
  }

 private:
  unzFile zip_;
};

unsigned long long ull(uint64_t value) {
  return static_cast<unsigned long long>(value);
}

// True when the file ends exactly with an end-of-central-directory record (and its comment).
// minizip alone accepts a file cut inside that record when the zip64 records before it survive,
// so a truncation would pass unnoticed.
bool ends_with_end_record(const core::RandomAccessFile& file) {
  const size_t tail_bytes =
      static_cast<size_t>(std::min<uint64_t>(file.size(), kEndRecordBytes + kMaxCommentBytes));
  std::vector<unsigned char> tail(tail_bytes);
  file.read_at(file.size() - tail_bytes, tail_bytes, tail.data());
  for (size_t i = tail_bytes < kEndRecordBytes ? 0 : tail_bytes - kEndRecordBytes + 1; i-- > 0;) {
    if (std::memcmp(&tail[i], kEndSignature, sizeof(kEndSignature)) != 0) continue;
    const size_t comment = tail[i + kEndRecordBytes - 2] | (tail[i + kEndRecordBytes - 1] << 8);
    if (i + kEndRecordBytes + comment == tail_bytes) return true;
  }
  return false;
}

}  // namespace

struct ZipArchive::Impl {
  std::string path;
  uint64_t file_size = 0;
  UnzHandle zip;
  std::vector<ZipEntry> entries;
  std::vector<unz64_file_pos> positions;  // central-directory position of each entry
  std::unordered_map<std::string, size_t> index;
};

ZipArchive::ZipArchive(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ZipArchive::ZipArchive(ZipArchive&& other) noexcept = default;
ZipArchive& ZipArchive::operator=(ZipArchive&& other) noexcept = default;
ZipArchive::~ZipArchive() = default;

ZipArchive ZipArchive::open(const std::string& path) {
  const char* p = path.c_str();
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  // Reports a missing file or a directory the way every reader does.
  const auto file = core::open_random_access_file(path);
  impl->file_size = file->size();
  CLIPRET_CHECK(ends_with_end_record(*file), Corrupt,
                "%s: not a zip archive (no end of central directory record at its end: garbage "
                "or truncated)",
                p);
  impl->zip.reset(unzOpen64(p));
  CLIPRET_CHECK(impl->zip != nullptr, Corrupt,
                "%s: not a zip archive (no end of central directory: garbage or truncated)", p);
  unzFile zip = impl->zip.get();

  int rc = unzGoToFirstFile(zip);
  while (rc == UNZ_OK) {
    unz_file_info64 info{};
    CLIPRET_CHECK(unzGetCurrentFileInfo64(zip, &info, nullptr, 0, nullptr, 0, nullptr, 0) == UNZ_OK,
                  Corrupt, "%s: zip entry %zu: unreadable central directory record", p,
                  impl->entries.size());
    ZipEntry entry;
    entry.name.resize(info.size_filename);
    CLIPRET_CHECK(unzGetCurrentFileInfo64(zip, &info, entry.name.data(), entry.name.size(), nullptr,
                                          0, nullptr, 0) == UNZ_OK,
                  Corrupt, "%s: zip entry %zu: unreadable name", p, impl->entries.size());
    const char* n = entry.name.c_str();
    CLIPRET_CHECK((info.flag & kFlagEncrypted) == 0, Unsupported, "%s: zip entry '%s' is encrypted",
                  p, n);
    entry.method = static_cast<uint16_t>(info.compression_method);
    entry.compressed_size = info.compressed_size;
    entry.size = info.uncompressed_size;
    if (entry.stored()) {
      CLIPRET_CHECK(entry.compressed_size == entry.size, Corrupt,
                    "%s: stored zip entry '%s' claims %llu bytes compressed but %llu uncompressed",
                    p, n, ull(entry.compressed_size), ull(entry.size));
      // The data follow the local header, whose name and extra field may differ in length from
      // the central directory's: only minizip's parse of the local header knows where.
      CLIPRET_CHECK(unzOpenCurrentFile(zip) == UNZ_OK, Corrupt,
                    "%s: zip entry '%s': bad local header (truncated or corrupt)", p, n);
      OpenEntry opened(zip);
      entry.data_offset = unzGetCurrentFileZStreamPos64(zip);
      CLIPRET_CHECK(
          entry.data_offset <= impl->file_size && entry.size <= impl->file_size - entry.data_offset,
          Corrupt,
          "%s: zip entry '%s': %llu bytes at offset %llu run past the end of the "
          "%llu-byte file (truncated?)",
          p, n, ull(entry.size), ull(entry.data_offset), ull(impl->file_size));
    }
    unz64_file_pos position{};
    CLIPRET_CHECK(unzGetFilePos64(zip, &position) == UNZ_OK, Internal,
                  "%s: zip entry '%s': minizip lost its position", p, n);
    const bool fresh = impl->index.emplace(entry.name, impl->entries.size()).second;
    CLIPRET_CHECK(fresh, Corrupt, "%s: zip entry '%s' appears twice", p, n);
    impl->entries.push_back(std::move(entry));
    impl->positions.push_back(position);
    rc = unzGoToNextFile(zip);
  }
  CLIPRET_CHECK(rc == UNZ_END_OF_LIST_OF_FILE, Corrupt,
                "%s: zip central directory is corrupt after %zu entries (minizip error %d)", p,
                impl->entries.size(), rc);
  return ZipArchive(std::move(impl));
}

const std::string& ZipArchive::path() const {
  return impl_->path;
}

uint64_t ZipArchive::file_size() const {
  return impl_->file_size;
}

const std::vector<ZipEntry>& ZipArchive::entries() const {
  return impl_->entries;
}

const ZipEntry* ZipArchive::find(const std::string& name) const {
  const auto it = impl_->index.find(name);
  return it == impl_->index.end() ? nullptr : &impl_->entries[it->second];
}

std::string ZipArchive::read_entry(const std::string& name, uint64_t max_bytes) {
  const char* p = impl_->path.c_str();
  const char* n = name.c_str();
  const auto it = impl_->index.find(name);
  CLIPRET_CHECK(it != impl_->index.end(), NotFound, "%s: no zip entry '%s'", p, n);
  const ZipEntry& entry = impl_->entries[it->second];
  CLIPRET_CHECK(entry.size <= max_bytes, Corrupt,
                "%s: zip entry '%s' claims %llu bytes, more than the %llu allowed", p, n,
                ull(entry.size), ull(max_bytes));
  CLIPRET_CHECK(entry.method == kMethodStored || entry.method == kMethodDeflated, Unsupported,
                "%s: zip entry '%s' uses compression method %u; only stored and deflated read", p,
                n, static_cast<unsigned>(entry.method));
  unzFile zip = impl_->zip.get();
  CLIPRET_CHECK(unzGoToFilePos64(zip, &impl_->positions[it->second]) == UNZ_OK, Corrupt,
                "%s: zip entry '%s': cannot seek to its record", p, n);
  CLIPRET_CHECK(unzOpenCurrentFile(zip) == UNZ_OK, Corrupt,
                "%s: zip entry '%s': bad local header (truncated or corrupt)", p, n);
  OpenEntry opened(zip);
  std::string out(entry.size, '\0');
  size_t done = 0;
  while (done < out.size()) {
    const size_t want = std::min(out.size() - done, kReadChunkBytes);
    const int got = unzReadCurrentFile(zip, out.data() + done, static_cast<unsigned>(want));
    CLIPRET_CHECK(got > 0, Corrupt,
                  "%s: zip entry '%s' ends after %zu of %llu bytes (truncated or corrupt, minizip "
                  "error %d)",
                  p, n, done, ull(entry.size), got);
    done += static_cast<size_t>(got);
  }
  // minizip checks the CRC on close once every byte the directory promised has been read.
  const int rc = opened.close();
  CLIPRET_CHECK(rc == UNZ_OK, Corrupt, "%s: zip entry '%s' fails its CRC check (minizip error %d)",
                p, n, rc);
  return out;
}

}  // namespace clipret::model
