#include "common/io/socket_address.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

namespace common::io {

SocketAddress to_socket_address(const net::Endpoint& endpoint) {
  SocketAddress out;
  if (endpoint.is_unix()) {
    auto* sun = reinterpret_cast<sockaddr_un*>(&out.storage);
    sun->sun_family = AF_UNIX;
    const auto length = std::min(endpoint.unix_path.size(), sizeof sun->sun_path - 1);
    std::memcpy(sun->sun_path, endpoint.unix_path.data(), length);
    out.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length + 1);
    return out;
  }
  const auto bytes = endpoint.address.bytes();
  if (endpoint.address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(endpoint.port);
    std::memcpy(&sin->sin_addr, bytes.data(), 4);
    out.length = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(endpoint.port);
    std::memcpy(&sin6->sin6_addr, bytes.data(), 16);
    out.length = sizeof(sockaddr_in6);
  }
  return out;
}

Result<net::Endpoint> to_endpoint(const SocketAddress& address) {
  if (address.family() == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&address.storage);
    std::uint8_t b[4];
    std::memcpy(b, &sin->sin_addr, 4);
    return net::Endpoint{net::IpAddress::v4(std::span<const std::uint8_t, 4>(b)), ntohs(sin->sin_port)};
  }
  if (address.family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address.storage);
    std::uint8_t b[16];
    std::memcpy(b, &sin6->sin6_addr, 16);
    return net::Endpoint{net::IpAddress::v6(std::span<const std::uint8_t, 16>(b)), ntohs(sin6->sin6_port)};
  }
  if (address.family() == AF_UNIX) {
    const auto* sun = reinterpret_cast<const sockaddr_un*>(&address.storage);
    const auto offset = offsetof(sockaddr_un, sun_path);
    const auto length = address.length > offset ? address.length - offset : 0;
    return net::Endpoint::from_unix_path(std::string(sun->sun_path, ::strnlen(sun->sun_path, length)));
  }
  return fail("unsupported address family {}", address.family());
}

Status set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return sys_fail(errno, "fcntl O_NONBLOCK");
  return {};
}

}  // namespace common::io
