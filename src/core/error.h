// core/error.h: the one exception type of the library, and the checks that throw it.
//
// Policy (STYLE.md §2.5-2.7): bad input and failed operations throw clipret::Error with a kind
// and a message naming the file, row or line, and field. Expected per-item failures (one bad image
// among millions) are values, not exceptions. `assert` only guards invariants.
#pragma once

#include <stdexcept>
#include <string>

namespace clipret {

enum class ErrorKind {
  kInvalidInput,  // the user gave something wrong: an option, a request, a file's content
  kNotFound,      // a file, index, key or model that should exist does not
  kIo,            // the OS failed us: open, read, write, a child process
  kCorrupt,       // a file exists but its bytes are not what its format promises
  kUnsupported,   // valid input that this build cannot handle (yet)
  kInternal,      // a broken invariant: a bug in this program
};

// Stable lower-case name for messages and tests ("invalid input", "not found", ...).
const char* error_kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// printf-style formatting into a std::string.
std::string string_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

[[noreturn]] void throw_error(ErrorKind kind, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));

}  // namespace clipret

// Validates input: throws clipret::Error of ErrorKind::k<kind> with a printf-formatted message.
//   CLIPRET_CHECK(n >= 0, InvalidInput, "%s: batch_size must be positive, got %d", name, n);
#define CLIPRET_CHECK(cond, kind, ...)                                               \
  do {                                                                               \
    if (!(cond)) ::clipret::throw_error(::clipret::ErrorKind::k##kind, __VA_ARGS__); \
  } while (0)

#define CLIPRET_THROW(kind, ...) ::clipret::throw_error(::clipret::ErrorKind::k##kind, __VA_ARGS__)
