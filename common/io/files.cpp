#include "common/io/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/io/unique_fd.h"

namespace common::io {

Result<std::string> read_file(const std::string& path, std::size_t max_size) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return sys_fail(errno, "cannot open {}", path);
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail(errno, "cannot read {}", path);
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_size) return fail("{} is larger than {} bytes", path, max_size);
  }
  return out;
}

}  // namespace common::io
