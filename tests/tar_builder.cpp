#include "tar_builder.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdlib>
#include <memory>

namespace clipret::testing {
namespace {

struct WriterDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t append_callback(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

void check(int rc) {
  if (rc < ARCHIVE_WARN) std::abort();
}

}  // namespace

std::string make_tar(const std::vector<TarMember>& members, TarCompression compression) {
  std::string out;
  std::unique_ptr<archive, WriterDeleter> writer(archive_write_new());
  check(archive_write_set_format_pax_restricted(writer.get()));
  if (compression == TarCompression::kGzip) check(archive_write_add_filter_gzip(writer.get()));
  check(archive_write_set_bytes_in_last_block(writer.get(), 1));
  check(archive_write_open(writer.get(), &out, nullptr, append_callback, nullptr));
  for (const TarMember& member : members) {
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), member.path.c_str());
    archive_entry_set_perm(entry.get(), 0644);
    switch (member.type) {
      case TarMember::Type::kFile:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(member.data.size()));
        break;
      case TarMember::Type::kDirectory:
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        archive_entry_set_size(entry.get(), 0);
        break;
      case TarMember::Type::kSymlink:
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_symlink(entry.get(), member.data.c_str());
        archive_entry_set_size(entry.get(), 0);
        break;
    }
    check(archive_write_header(writer.get(), entry.get()));
    if (member.type == TarMember::Type::kFile && !member.data.empty()) {
      if (archive_write_data(writer.get(), member.data.data(), member.data.size()) < 0) {
        std::abort();
      }
    }
  }
  check(archive_write_close(writer.get()));
  return out;
}

}  // namespace clipret::testing
