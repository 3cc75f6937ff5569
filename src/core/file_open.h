// core/file_open.h: opening a file for reading, with the errors every reader reports alike.
#pragma once

#include <cstdint>
#include <string>

namespace clipret::core {

// Opens `path` read-only (close-on-exec) and returns the descriptor; the caller closes it.
// Sets `*size` to the file's size. Throws Error(kNotFound) when it does not exist, Error(kIo)
// when it cannot be opened, is a directory, or (with `regular_only`) is not a regular file.
int open_for_reading(const std::string& path, uint64_t* size, bool regular_only = true);

}  // namespace clipret::core
