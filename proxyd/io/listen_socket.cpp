#include "proxyd/io/listen_socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "common/io/socket_address.h"

namespace proxyd::io {
namespace {

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

common::Result<common::io::UniqueFd> open_listen_socket(const common::net::Endpoint& address) {
  auto fd = bound_socket(address);
  if (!fd) return fd;
  if (::listen(fd->get(), kListenBacklog) != 0) return common::sys_fail(errno, "listen {}", address.to_string());
  return fd;
}

common::Status probe_bind(const common::net::Endpoint& address) {
  auto fd = bound_socket(address);
  if (!fd) return tl::unexpected(fd.error());
  return {};
}

}  // namespace proxyd::io
