// PROXY protocol version 2, the binary form (spec 2.2):
//   12-byte signature | ver_cmd | family/transport | length (big endian) |
//   address block | TLVs
// This file holds the pieces that need the whole of their input at once;
// proxy_decoder.h gathers the bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "proxyd/core/proxy_protocol/proxy_header.h"

namespace proxyd::proxy_protocol {

// The 16-byte fixed part, decoded and validated.
struct V2Prefix {
  Command command = Command::Local;
  std::uint8_t protocol = kV2Unspecified;  // byte 14: family and transport
  std::uint16_t length = 0;                // bytes after the fixed part
  // The leading part of <length> to decode as addresses; 0 when they are to
  // be ignored (LOCAL, UNSPEC). What follows them is TLVs.
  std::size_t address_length = 0;
};

// Decodes the fixed part. Rejects a bad signature, a version other than 2,
// an unknown command or protocol byte, datagram transports for PROXY (this
// is a TCP proxy) and a length too short for the addresses.
ParseResult<V2Prefix> parse_v2_prefix(std::span<const std::uint8_t, kV2FixedLength> bytes);

// Decodes the address block of <prefix> (exactly prefix.address_length
// bytes). nullopt for unix sockets, which have no IP address to pass on.
std::optional<ProxyAddresses> parse_v2_addresses(const V2Prefix& prefix, std::span<const std::uint8_t> block);

// The v2 header for <command> and <addresses>, without TLVs. LOCAL and
// absent addresses are sent as UNSPEC with no address block; mixed
// families as TCP over IPv6 with the IPv4 side v4-mapped.
std::vector<std::uint8_t> encode_v2(Command command, const std::optional<ProxyAddresses>& addresses);

}  // namespace proxyd::proxy_protocol
