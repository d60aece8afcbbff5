// Frames that announce a VIP's new location: a gratuitous ARP (RFC 5227 3,
// shaped as keepalived sends it: an ARP request "who-has VIP tell VIP" with a
// broadcast target hardware address) and an unsolicited IPv6 Neighbor
// Advertisement (RFC 4861 7.2.6). Pure builders; the adapters send them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "common/core/address.h"

namespace vrrpd::protocol {

using MacAddress = std::array<std::uint8_t, 6>;

// The whole Ethernet frame (42 bytes; the NIC pads it).
std::vector<std::uint8_t> gratuitous_arp_frame(const MacAddress& source_mac, const common::net::IpAddress& vip);

// The ICMPv6 message (checksum left zero: the kernel fills it for raw ICMPv6
// sockets), to be sent to ff02::1 with hop limit 255.
std::vector<std::uint8_t> unsolicited_neighbor_advert(const MacAddress& source_mac, const common::net::IpAddress& vip);

}  // namespace vrrpd::protocol
