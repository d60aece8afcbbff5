// Conversions between common::net values and the socket API.
#pragma once

#include <sys/socket.h>

#include "common/core/address.h"
#include "common/core/result.h"

namespace common::io {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage); }
  int family() const { return storage.ss_family; }
};

// A Unix path longer than sun_path holds is cut (configurations refuse those:
// net::kMaxUnixPath).
SocketAddress to_socket_address(const net::Endpoint& endpoint);
// Fails for families other than AF_INET/AF_INET6/AF_UNIX.
Result<net::Endpoint> to_endpoint(const SocketAddress& address);

Status set_nonblocking(int fd);

}  // namespace common::io
