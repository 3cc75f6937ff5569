// core/atomic_file.h: writing a file under a temporary name and renaming it into place.
//
// Every output that a reader, a resumed run or another rank may look at (.npy, .parquet, .index,
// json, sqlite stores) is written beside its final name and renamed when complete: rename() within
// one folder is atomic, so the final name holds either the old file or the whole new one, never a
// partial file. This header is the one place that names temporaries and does the rename, so that
// a failure is always an Error(kIo) naming both paths (not a std::filesystem_error).
#pragma once

#include <string>
#include <string_view>

namespace clipret::core {

// A fresh temporary name beside `final_path`: "<final_path>.tmp-<pid>-<n>", `n` counting the
// calls in this process. Same folder, so the rename is atomic; unique per process and per call,
// so concurrent writers (threads, ranks, runs) of the same file never share a temporary; and it
// never ends like the final name, so globs such as *.npy or *.index skip it.
std::string temporary_path_for(const std::string& final_path);

// True when `candidate`'s file name is a temporary of `final_path` (the same folder is not
// checked): "<final name>.tmp" followed by anything, which also covers older versions' names.
// Used to sweep temporaries that a killed run left behind.
bool is_temporary_for(const std::string& candidate, const std::string& final_path);

// Renames `temporary` (a file or a folder) to `final_path`, replacing a file there. Throws
// Error(kIo) naming both paths and the OS reason (e.g. `final_path` is a non-empty folder, or its
// folder is missing).
void rename_into_place(const std::string& temporary, const std::string& final_path);

// Creates a new, empty temporary file for `final_path` (temporary_path_for, O_EXCL: an existing
// file, say one left by a dead process with the same pid, is skipped rather than reused) and
// returns its descriptor, open for writing; the caller closes it and removes or renames
// `*temporary`, which receives its name. `mode` is filtered by the umask. Throws Error(kIo).
int create_temporary_file(const std::string& final_path, std::string* temporary,
                          unsigned mode = 0666);

// A file or folder written under a temporary name, renamed to `final_path` by commit(). Until
// then the destructor removes the temporary (recursively for a folder), so an exception leaves
// no stray file. Not thread-safe; movable, not copyable.
//   core::AtomicFile file(path);
//   write_index_file(index, file.path());
//   file.commit();
class AtomicFile {
 public:
  // Picks the temporary name (temporary_path_for); creates nothing.
  explicit AtomicFile(std::string final_path);
  ~AtomicFile();
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Where to write: the temporary name.
  const std::string& path() const { return temporary_; }
  const std::string& final_path() const { return final_path_; }

  // Renames the temporary to final_path() (rename_into_place); afterwards the destructor leaves
  // it alone. Throws Error(kIo); the temporary is then still removed by the destructor.
  void commit();

 private:
  void remove_temporary() noexcept;

  std::string final_path_;
  std::string temporary_;  // empty once committed or moved from
};

// Writes `bytes` to `path` through an AtomicFile: small whole-file outputs (json, stats, a
// failure note). No fsync, like the places it replaces. Throws Error(kIo).
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace clipret::core
