#include "vrrpd/floatip/io/token_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/io/unique_fd.h"
#include "vrrpd/floatip/core/token.h"

namespace vrrpd::floatip::io {
namespace {

constexpr std::size_t kMaxTokenFile = 4096;

// Checks the file behind <fd> (not the path again: no race with a rename).
common::Status check_file(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return common::sys_fail(errno, "token file {}", path);
  if (!S_ISREG(st.st_mode)) return common::fail("token file {} is not a regular file", path);
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return common::fail("token file {} has mode {:04o}: group and others must have no access (chmod 600 {})", path,
                        st.st_mode & 07777, path);
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxTokenFile) {
    return common::fail("token file {} is larger than {} bytes", path, kMaxTokenFile);
  }
  return common::ok();
}

common::Result<std::string> read_all(int fd, const std::string& path) {
  std::string content;
  char buf[1024];
  while (content.size() <= kMaxTokenFile) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return common::sys_fail(errno, "cannot read token file {}", path);
    if (n == 0) return content;
    content.append(buf, static_cast<std::size_t>(n));
  }
  return common::fail("token file {} is larger than {} bytes", path, kMaxTokenFile);
}

}  // namespace

common::Result<std::string> read_token_file(const std::string& path) {
  // O_NONBLOCK: a FIFO in its place must not hang the run (it is refused below).
  common::io::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return common::sys_fail(errno, "cannot open token file {}", path);
  if (auto checked = check_file(fd.get(), path); !checked) return tl::unexpected(checked.error());
  auto content = read_all(fd.get(), path);
  if (!content) return content;
  auto token = parse_token(*content);
  if (!token) return common::fail("token file {}: {}", path, token.error().message);
  return token;
}

}  // namespace vrrpd::floatip::io
