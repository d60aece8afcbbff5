#include "common/io/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/io/unique_fd.h"

namespace common::io {
namespace {

// Checks the file behind <fd> (not the path again: no race with a rename).
Status check_file(int fd, const std::string& path, const std::string& what, std::size_t max_size) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return sys_fail(errno, "{} {}", what, path);
  if (!S_ISREG(st.st_mode)) return fail("{} {} is not a regular file", what, path);
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return fail("{} {} has mode {:04o}: group and others must have no access (chmod 600 {})", what, path,
                st.st_mode & 07777, path);
  }
  if (static_cast<std::size_t>(st.st_size) > max_size)
    return fail("{} {} is larger than {} bytes", what, path, max_size);
  return ok();
}

Result<std::string> read_all(int fd, const std::string& path, const std::string& what, std::size_t max_size) {
  std::string content;
  char buf[1024];
  while (content.size() <= max_size) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail(errno, "cannot read {} {}", what, path);
    if (n == 0) return content;
    content.append(buf, static_cast<std::size_t>(n));
  }
  return fail("{} {} is larger than {} bytes", what, path, max_size);
}

}  // namespace

Result<std::string> read_secret_file(const std::string& path, const std::string& what, std::size_t max_size) {
  // O_NONBLOCK: a FIFO in its place must not hang the run (it is refused below).
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return sys_fail(errno, "cannot open {} {}", what, path);
  if (auto checked = check_file(fd.get(), path, what, max_size); !checked) return tl::unexpected(checked.error());
  return read_all(fd.get(), path, what, max_size);
}

}  // namespace common::io
