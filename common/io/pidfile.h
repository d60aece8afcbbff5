// Pidfiles: written atomically (temp file + rename, so a reader never sees a
// partial pid), locked with flock(2) for the owner's lifetime (a second
// instance is refused), removed on exit only if still ours.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/core/result.h"
#include "common/io/unique_fd.h"

namespace common::io {

class Pidfile {
 public:
  // Writes getpid() to <path>. Fails when another live process holds it.
  static Result<Pidfile> create(const std::string& path);

  Pidfile(Pidfile&&) noexcept = default;
  Pidfile& operator=(Pidfile&&) noexcept = default;
  ~Pidfile();

  const std::string& path() const { return path_; }

 private:
  Pidfile(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;  // holds the lock
};

// The pid in <path>, if the file is well-formed and that process is alive.
Result<pid_t> read_pidfile(const std::string& path);

}  // namespace common::io
