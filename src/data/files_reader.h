// data/files_reader.h: finds the samples of a `files` input folder (spec §1.4).
//
// A sample is the set of files sharing a key: the path relative to the folder without its last
// extension, so "a/b/001.jpg", "a/b/001.txt" and "a/b/001.json" form sample "a/b/001", and
// same-named files in different sub-folders never collide (original issue #321), while images and
// captions do pair up (the original's KeyError, #345). Images are .jpg .jpeg .png .webp .bmp,
// captions .txt, metadata .json, extensions matched in any case. Entries whose name starts with
// '.' (hidden files and folders, macOS "._x.jpg") are skipped, as are other extensions. Symlinks
// to files are followed; symlinks to folders are not descended (no loops).
//
// Two steps: scan_files_folder() indexes the folder independent of options, then
// select_file_samples() applies enable_text/enable_image/enable_metadata.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace clipret::data {

enum class FileKind { kImage, kText, kMetadata };

// "image", "text" or "metadata", for reports.
const char* file_kind_name(FileKind kind);

// Which parts of a sample are used; the spec's enable_* options (spec §1.1 defaults).
struct FilesReaderOptions {
  bool enable_text = true;       // needs a .txt caption per sample
  bool enable_image = true;      // needs an image per sample
  bool enable_metadata = false;  // needs a .json per sample
};

// The files found for one key; paths are the folder joined with the relative path.
struct FileGroup {
  std::optional<std::string> image_path;
  std::optional<std::string> caption_path;
  std::optional<std::string> metadata_path;
};

// A key with two files of one kind (a.jpg and a.png): the first in path order is kept.
struct DuplicateFile {
  std::string key;
  FileKind kind = FileKind::kImage;
  std::string kept_path;
  std::string ignored_path;
};

// Everything scan_files_folder found.
struct FilesFolder {
  std::string root;                         // the folder as given
  std::map<std::string, FileGroup> groups;  // key -> files, in key (byte string) order
  std::vector<DuplicateFile> duplicates;    // also logged as warnings
  bool has_images = false;                  // at least one image anywhere
  bool has_captions = false;                // at least one .txt
  bool has_metadata = false;                // at least one .json
};

// Recursively indexes `folder`. Throws Error(kNotFound) if it does not exist,
// Error(kInvalidInput) if it is not a folder, Error(kIo) if it cannot be listed.
FilesFolder scan_files_folder(const std::string& folder);

// The original's auto-detection: returns `requested` with each enabled part turned off when the
// folder has no file of its kind. Throws Error(kInvalidInput, "... no sample found") when every
// part ends up off.
FilesReaderOptions detect_modalities(const FilesFolder& folder, FilesReaderOptions requested);

// One selected sample; a path is set exactly when its part is enabled.
struct FileSample {
  std::string key;
  std::optional<std::string> image_path;
  std::optional<std::string> caption_path;
  std::optional<std::string> metadata_path;
};

// A key dropped because an enabled part has no file (one entry per missing part).
struct MissingPartner {
  std::string key;
  FileKind missing = FileKind::kImage;
};

struct FilesSelection {
  std::vector<FileSample> samples;      // sorted by key; the list partitions stride over
  std::vector<MissingPartner> missing;  // keys excluded for a missing partner file
};

// Spec §1.4: the keys are those having the first enabled part in the order text, image,
// metadata; a key lacking another enabled part is reported in `missing` and left out. Throws
// Error(kInvalidInput) when no part is enabled.
FilesSelection select_file_samples(const FilesFolder& folder, const FilesReaderOptions& options);

}  // namespace clipret::data
