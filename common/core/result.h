// Result<T>: the error type of the project. Expected failures (bad input,
// failed syscalls, invalid configuration) are values, never exceptions.
#pragma once

#include <fmt/format.h>

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace common {

struct Error {
  std::string message;
  int sys_errno = 0;  // errno of the failed syscall, 0 when not a syscall error

  // "message" or "message: strerror(errno)".
  std::string describe() const;
};

template <class T>
using Result = tl::expected<T, Error>;

using Status = Result<void>;

// fail("bad {}", x): an unexpected value ready to return from a Result function.
template <class... Args>
tl::unexpected<Error> fail(fmt::format_string<Args...> format, Args&&... args) {
  return tl::unexpected(Error{fmt::format(format, std::forward<Args>(args)...), 0});
}

// sys_fail(errno, "open {}", path): the same for a failed syscall.
template <class... Args>
tl::unexpected<Error> sys_fail(int err, fmt::format_string<Args...> format, Args&&... args) {
  return tl::unexpected(Error{fmt::format(format, std::forward<Args>(args)...), err});
}

inline Status ok() {
  return {};
}

}  // namespace common
