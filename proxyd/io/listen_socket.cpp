#include "proxyd/io/listen_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>

#include "common/io/accounts.h"
#include "common/io/socket_address.h"

namespace proxyd::io {
namespace {

// The file's mode and owner as the bind asks.
common::Status set_file(const std::string& path, const config::UnixSocketFile& file) {
  if (file.mode && ::chmod(path.c_str(), static_cast<mode_t>(*file.mode)) != 0) {
    return common::sys_fail(errno, "chmod {}", path);
  }
  if (file.user.empty() && file.group.empty()) return {};
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (!file.user.empty()) {
    auto account = common::io::lookup_user(file.user);
    if (!account) return tl::unexpected(account.error());
    uid = account->uid;
  }
  if (!file.group.empty()) {
    auto group = common::io::lookup_group(file.group);
    if (!group) return tl::unexpected(group.error());
    gid = *group;
  }
  if (::chown(path.c_str(), uid, gid) != 0) return common::sys_fail(errno, "chown {}", path);
  return {};
}

// A Unix socket bound at a temporary name next to <address>'s path, with
// its mode and owner set, so that renaming it over the path (a stale socket
// of an earlier run, or the one a running proxyd serves) is atomic: a client
// never finds the path missing. As HAProxy.
common::Result<common::io::UniqueFd> bound_unix_socket(const common::net::Endpoint& address,
                                                       const config::UnixSocketFile& file, std::string& temporary) {
  temporary = fmt::format("{}.{}.tmp", address.unix_path, ::getpid());
  if (temporary.size() > common::net::kMaxUnixPath) {
    return common::fail("bind {}: the path is too long for its temporary name", address.to_string());
  }
  const auto sa = common::io::to_socket_address(common::net::Endpoint::from_unix_path(temporary));
  common::io::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return common::sys_fail(errno, "socket for {}", address.to_string());
  ::unlink(temporary.c_str());
  if (::bind(fd.get(), sa.get(), sa.length) != 0) return common::sys_fail(errno, "bind {}", address.to_string());
  if (auto r = set_file(temporary, file); !r) {
    ::unlink(temporary.c_str());
    return common::fail("bind {}: {}", address.to_string(), r.error().describe());
  }
  return fd;
}

common::Result<common::io::UniqueFd> bound_socket(const common::net::Endpoint& address) {
  const auto sa = common::io::to_socket_address(address);
  common::io::UniqueFd fd(::socket(sa.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return common::sys_fail(errno, "socket for {}", address.to_string());
  const int on = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  if (address.address.is_v4()) {
    ::setsockopt(fd.get(), IPPROTO_IP, IP_FREEBIND, &on, sizeof on);
  } else {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof on);
    // [::]:80 serves IPv6 only, so *:80 (IPv4) can be bound next to it.
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  }
  if (::bind(fd.get(), sa.get(), sa.length) != 0) return common::sys_fail(errno, "bind {}", address.to_string());
  return fd;
}

}  // namespace

common::Result<common::io::UniqueFd> open_listen_socket(const common::net::Endpoint& address,
                                                        const config::UnixSocketFile& file) {
  if (address.is_unix()) {
    std::string temporary;
    auto fd = bound_unix_socket(address, file, temporary);
    if (!fd) return fd;
    if (::listen(fd->get(), kListenBacklog) != 0 || ::rename(temporary.c_str(), address.unix_path.c_str()) != 0) {
      const int error = errno;
      ::unlink(temporary.c_str());
      return common::sys_fail(error, "listen on {}", address.to_string());
    }
    return fd;
  }
  auto fd = bound_socket(address);
  if (!fd) return fd;
  if (::listen(fd->get(), kListenBacklog) != 0) return common::sys_fail(errno, "listen {}", address.to_string());
  return fd;
}

common::Result<common::io::UniqueFd> duplicate_socket(const common::io::UniqueFd& fd,
                                                      const common::net::Endpoint& address) {
  common::io::UniqueFd copy(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
  if (!copy) return common::sys_fail(errno, "duplicating the socket of {}", address.to_string());
  return copy;
}

common::Status probe_bind(const common::net::Endpoint& address, const config::UnixSocketFile& file) {
  if (address.is_unix()) {
    std::string temporary;
    auto fd = bound_unix_socket(address, file, temporary);
    if (!fd) return tl::unexpected(fd.error());
    ::unlink(temporary.c_str());
    return {};
  }
  auto fd = bound_socket(address);
  if (!fd) return tl::unexpected(fd.error());
  return {};
}

}  // namespace proxyd::io
