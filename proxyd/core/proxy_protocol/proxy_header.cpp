#include "proxyd/core/proxy_protocol/proxy_header.h"

#include <algorithm>

namespace proxyd::proxy_protocol {
namespace {

common::net::IpAddress to_v6(const common::net::IpAddress& address) {
  if (!address.is_v4()) return address;
  std::array<std::uint8_t, 16> bytes{};
  bytes[10] = 0xff;
  bytes[11] = 0xff;
  std::ranges::copy(address.bytes(), bytes.begin() + 12);
  return common::net::IpAddress::v6(bytes);
}

}  // namespace

ProxyAddresses with_common_family(const ProxyAddresses& addresses) {
  if (addresses.source.address.family() == addresses.destination.address.family()) return addresses;
  return {{to_v6(addresses.source.address), addresses.source.port},
          {to_v6(addresses.destination.address), addresses.destination.port}};
}

}  // namespace proxyd::proxy_protocol
