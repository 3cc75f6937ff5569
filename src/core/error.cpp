#include "core/error.h"

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace clipret {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "invalid input";
    case ErrorKind::kNotFound:
      return "not found";
    case ErrorKind::kIo:
      return "I/O error";
    case ErrorKind::kCorrupt:
      return "corrupt data";
    case ErrorKind::kUnsupported:
      return "unsupported";
    case ErrorKind::kInternal:
      return "internal error";
  }
  return "error";
}

static std::string vstring_printf(const char* fmt, va_list args) {
  va_list copy;
  va_copy(copy, args);
  const int needed = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (needed <= 0) return std::string();
  std::string out(static_cast<size_t>(needed), '\0');
  std::vsnprintf(out.data(), out.size() + 1, fmt, args);
  return out;
}

std::string string_printf(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string out = vstring_printf(fmt, args);
  va_end(args);
  return out;
}

void throw_error(ErrorKind kind, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::string message = vstring_printf(fmt, args);
  va_end(args);
  throw Error(kind, message);
}

}  // namespace clipret
