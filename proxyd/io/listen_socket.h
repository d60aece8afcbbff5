// Listening sockets for frontends. Every socket sets IP_FREEBIND (or
// IPV6_FREEBIND), so proxyd binds the VIP whether or not it is assigned on
// this node yet and serves the moment vrrpd adds it; no
// net.ipv4.ip_nonlocal_bind sysctl is needed. SO_REUSEPORT gives each worker
// thread its own socket for the same address, and lets a reload open new
// sockets next to the old ones. A Unix socket (unix@PATH) is one socket
// that the workers share (open it once, dup it).
#pragma once

#include "common/core/address.h"
#include "common/core/result.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/config/proxy_config.h"

namespace proxyd::io {

inline constexpr int kListenBacklog = 4096;

// A bound, listening, non-blocking socket for <address>; a Unix socket's
// file gets <file>'s mode and owner.
common::Result<common::io::UniqueFd> open_listen_socket(const common::net::Endpoint& address,
                                                        const config::UnixSocketFile& file = {});

// Another descriptor for the listening socket <fd> of <address> (a worker's
// share of a Unix socket).
common::Result<common::io::UniqueFd> duplicate_socket(const common::io::UniqueFd& fd,
                                                      const common::net::Endpoint& address);

// Whether <address> can be bound (for `proxyd -c`): binds and closes.
common::Status probe_bind(const common::net::Endpoint& address, const config::UnixSocketFile& file = {});

}  // namespace proxyd::io
