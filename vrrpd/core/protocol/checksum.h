// The Internet checksum (RFC 1071), and VRRPv3's pseudo-header variant
// (RFC 5798 5.2.8: the IPv4/IPv6 pseudo-header of RFC 2460 8.1 / RFC 768).
#pragma once

#include <cstdint>
#include <span>

#include "common/core/address.h"

namespace vrrpd::protocol {

inline constexpr std::uint8_t kVrrpProtocol = 112;

// One's-complement sum of 16-bit big-endian words, not yet complemented.
std::uint32_t checksum_add(std::uint32_t sum, std::span<const std::uint8_t> bytes);
std::uint16_t checksum_finish(std::uint32_t sum);

// Checksum of <message> alone (VRRPv2, ARP-free ICMP-style).
std::uint16_t internet_checksum(std::span<const std::uint8_t> message);

// Checksum of <message> with the pseudo-header for <source> -> <destination>
// and upper-layer protocol 112 (VRRPv3).
std::uint16_t pseudo_header_checksum(std::span<const std::uint8_t> message, const common::net::IpAddress& source,
                                     const common::net::IpAddress& destination, std::uint8_t protocol = kVrrpProtocol);

}  // namespace vrrpd::protocol
