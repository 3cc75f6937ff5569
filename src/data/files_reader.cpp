#include "data/files_reader.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "core/ascii_text.h"
#include "core/error.h"
#include "core/log.h"
#include "data/sample_key.h"

namespace clipret::data {
namespace {

namespace fs = std::filesystem;

// A file of a known kind, before grouping.
struct FoundFile {
  std::string relative;  // generic ('/') path relative to the folder
  std::string key;       // `relative` without its last extension
  std::string path;      // folder joined with `relative`
  FileKind kind;
};

std::optional<FileKind> kind_of_extension(const std::string& lower_ext) {
  if (lower_ext == ".jpg" || lower_ext == ".jpeg" || lower_ext == ".png" || lower_ext == ".webp" ||
      lower_ext == ".bmp") {
    return FileKind::kImage;
  }
  if (lower_ext == ".txt") return FileKind::kText;
  if (lower_ext == ".json") return FileKind::kMetadata;
  return std::nullopt;
}

// The path field of `kind` in a FileGroup or FileSample (same field names).
template <typename Files>
auto& slot(Files& files, FileKind kind) {
  switch (kind) {
    case FileKind::kImage:
      return files.image_path;
    case FileKind::kText:
      return files.caption_path;
    case FileKind::kMetadata:
      break;
  }
  return files.metadata_path;
}

std::vector<FoundFile> list_files(const fs::path& root) {
  std::vector<FoundFile> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot list folder: %s", root.c_str(), ec.message().c_str());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    CLIPRET_CHECK(!ec, Io, "%s: cannot list folder: %s", root.c_str(), ec.message().c_str());
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    std::error_code entry_ec;
    if (!name.empty() && name.front() == '.') {
      if (entry.is_directory(entry_ec)) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(entry_ec)) continue;  // folders, dangling links, devices
    const std::optional<FileKind> kind =
        kind_of_extension(core::ascii_lower(entry.path().extension().string()));
    if (!kind) continue;
    FoundFile file;
    file.relative = entry.path().lexically_relative(root).generic_string();
    const size_t ext_size = entry.path().extension().string().size();
    file.key = file.relative.substr(0, file.relative.size() - ext_size);
    file.path = entry.path().string();
    file.kind = *kind;
    found.push_back(std::move(file));
  }
  return found;
}

}  // namespace

const char* file_kind_name(FileKind kind) {
  switch (kind) {
    case FileKind::kImage:
      return "image";
    case FileKind::kText:
      return "text";
    case FileKind::kMetadata:
      return "metadata";
  }
  return "file";
}

FilesFolder scan_files_folder(const std::string& folder) {
  std::error_code ec;
  const fs::file_status status = fs::status(folder, ec);
  CLIPRET_CHECK(fs::exists(status), NotFound, "%s: no such folder", folder.c_str());
  CLIPRET_CHECK(fs::is_directory(status), InvalidInput, "%s: not a folder", folder.c_str());

  std::vector<FoundFile> found = list_files(fs::path(folder));
  // Path order decides which of two same-key files is kept, independent of listing order.
  std::sort(found.begin(), found.end(),
            [](const FoundFile& a, const FoundFile& b) { return a.relative < b.relative; });

  FilesFolder out;
  out.root = folder;
  for (FoundFile& file : found) {
    std::optional<std::string>& target = slot(out.groups[file.key], file.kind);
    if (target) {
      CLIPRET_LOG_WARN("%s: duplicate %s for key '%s': keeping %s, ignoring %s", folder.c_str(),
                       file_kind_name(file.kind), file.key.c_str(), target->c_str(),
                       file.path.c_str());
      out.duplicates.push_back(DuplicateFile{file.key, file.kind, *target, file.path});
      continue;
    }
    target = std::move(file.path);
    out.has_images |= file.kind == FileKind::kImage;
    out.has_captions |= file.kind == FileKind::kText;
    out.has_metadata |= file.kind == FileKind::kMetadata;
  }
  return out;
}

FilesReaderOptions detect_modalities(const FilesFolder& folder, FilesReaderOptions requested) {
  requested.enable_text = requested.enable_text && folder.has_captions;
  requested.enable_image = requested.enable_image && folder.has_images;
  requested.enable_metadata = requested.enable_metadata && folder.has_metadata;
  CLIPRET_CHECK(requested.enable_text || requested.enable_image || requested.enable_metadata,
                InvalidInput, "%s: no sample found", folder.root.c_str());
  return requested;
}

FilesSelection select_file_samples(const FilesFolder& folder, const FilesReaderOptions& options) {
  std::vector<FileKind> enabled;  // in priority order: the first one drives the key list
  if (options.enable_text) enabled.push_back(FileKind::kText);
  if (options.enable_image) enabled.push_back(FileKind::kImage);
  if (options.enable_metadata) enabled.push_back(FileKind::kMetadata);
  CLIPRET_CHECK(!enabled.empty(), InvalidInput,
                "%s: enable at least one of text, image and metadata", folder.root.c_str());

  FilesSelection out;
  for (const auto& [key, group] : folder.groups) {
    if (!slot(group, enabled.front())) continue;
    FileSample sample;
    sample.key = key;
    bool complete = true;
    for (FileKind kind : enabled) {
      const std::optional<std::string>& path = slot(group, kind);
      if (!path) {
        out.missing.push_back(MissingPartner{key, kind});
        complete = false;
        continue;
      }
      slot(sample, kind) = path;
    }
    if (complete) out.samples.push_back(std::move(sample));
  }
  if (!out.missing.empty()) {
    CLIPRET_LOG_WARN("%s: %zu sample(s) left out for a missing file, first: '%s' has no %s",
                     folder.root.c_str(), out.missing.size(), out.missing.front().key.c_str(),
                     file_kind_name(out.missing.front().missing));
  }
  return out;
}

}  // namespace clipret::data
