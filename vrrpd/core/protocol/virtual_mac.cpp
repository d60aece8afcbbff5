#include "vrrpd/core/protocol/virtual_mac.h"

#include <fmt/format.h>

namespace vrrpd::protocol {

MacAddress virtual_router_mac(std::uint8_t vrid, common::net::Family family) {
  const std::uint8_t kind = family == common::net::Family::V4 ? 0x01 : 0x02;
  return {0x00, 0x00, 0x5e, 0x00, kind, vrid};
}

std::string mac_to_string(const MacAddress& mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

}  // namespace vrrpd::protocol
