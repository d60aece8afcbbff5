#include "common/io/pidfile.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>

#include "common/core/text.h"

namespace common::io {
namespace {

Result<std::string> read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return sys_fail(errno, "open {}", path);
  char buf[64];
  const ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n < 0) return sys_fail(errno, "read {}", path);
  return std::string(buf, static_cast<std::size_t>(n));
}

Result<pid_t> parse_pid(const std::string& path, std::string_view content) {
  content = text::trim(content);
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(content.data(), content.data() + content.size(), pid);
  if (content.empty() || ec != std::errc{} || end != content.data() + content.size() || pid <= 0) {
    return fail("{}: expected a process id, got '{}'", path, content);
  }
  return pid;
}

}  // namespace

Result<Pidfile> Pidfile::create(const std::string& path) {
  // Refuse when the current file is locked by a live owner.
  if (UniqueFd existing(::open(path.c_str(), O_RDONLY | O_CLOEXEC)); existing) {
    if (::flock(existing.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
      const auto content = read_small_file(path);
      return fail("{} is locked: already running (pid {})", path,
                  content ? std::string(text::trim(*content)) : std::string("?"));
    }
  }
  std::string temp = path + ".XXXXXX";
  UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd) return sys_fail(errno, "create {}", temp);
  const auto content = std::to_string(::getpid()) + "\n";
  if (::fchmod(fd.get(), 0644) != 0 || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 ||
      ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()) ||
      ::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return sys_fail(err, "write pidfile {}", path);
  }
  return Pidfile(path, std::move(fd));
}

Pidfile::~Pidfile() {
  if (!fd_) return;
  // Only remove the file if it is still the inode we created: a newer
  // instance may have replaced it.
  struct stat mine {};
  struct stat current {};
  if (::fstat(fd_.get(), &mine) == 0 && ::stat(path_.c_str(), &current) == 0 && mine.st_ino == current.st_ino &&
      mine.st_dev == current.st_dev) {
    ::unlink(path_.c_str());
  }
}

Result<pid_t> read_pidfile(const std::string& path) {
  auto content = read_small_file(path);
  if (!content) return tl::unexpected(content.error());
  auto pid = parse_pid(path, *content);
  if (!pid) return pid;
  if (::kill(*pid, 0) != 0 && errno == ESRCH) return fail("{}: process {} is not running", path, *pid);
  return pid;
}

}  // namespace common::io
