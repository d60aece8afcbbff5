// Writes the PROXY protocol header a server configured with send_proxy
// expects before the payload.
#pragma once

#include <cstdint>
#include <vector>

#include "proxyd/core/proxy_protocol/proxy_header.h"

namespace proxyd::proxy_protocol {

// The header bytes for <header> in header.version. v1 has no LOCAL command:
// LOCAL, like absent addresses, is sent as "PROXY UNKNOWN". Mixed address
// families are sent v4-mapped over IPv6 (with_common_family).
std::vector<std::uint8_t> encode(const ProxyHeader& header);

}  // namespace proxyd::proxy_protocol
