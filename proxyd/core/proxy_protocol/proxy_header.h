// The PROXY protocol (HAProxy's doc/proxy-protocol.txt): a header a proxy
// sends before the payload to pass on the original client and destination
// addresses. This file holds the decoded value and the wire constants; the
// codecs are proxy_v1.h (text), proxy_v2.h (binary), proxy_decoder.h
// (incremental, either version) and proxy_encoder.h.
//
// The constants are defined here rather than taken from the socket headers
// (AF_INET...), so that the codec stays pure.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tl/expected.hpp>

#include "common/core/address.h"

namespace proxyd::proxy_protocol {

// v1: "PROXY ..." up to and including CRLF, at most 107 bytes (spec 2.1).
inline constexpr std::size_t kV1MaxLength = 107;

// v2 (spec 2.2): a 16-byte fixed part, then <length> bytes of addresses and TLVs.
inline constexpr std::array<std::uint8_t, 12> kV2Signature{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                           0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
inline constexpr std::size_t kV2FixedLength = 16;
inline constexpr std::uint8_t kV2Version = 0x2;       // high nibble of byte 13
inline constexpr std::uint8_t kV2CommandLocal = 0x0;  // low nibble of byte 13
inline constexpr std::uint8_t kV2CommandProxy = 0x1;
// Byte 14: address family (high nibble) and transport (low nibble). Only
// these seven values are valid; receivers must reject the others.
inline constexpr std::uint8_t kV2Unspecified = 0x00;
inline constexpr std::uint8_t kV2Tcp4 = 0x11;
inline constexpr std::uint8_t kV2Udp4 = 0x12;
inline constexpr std::uint8_t kV2Tcp6 = 0x21;
inline constexpr std::uint8_t kV2Udp6 = 0x22;
inline constexpr std::uint8_t kV2UnixStream = 0x31;
inline constexpr std::uint8_t kV2UnixDatagram = 0x32;
// Size of the address block per family: two addresses and two ports
// (unix: two 108-byte paths).
inline constexpr std::size_t kV2Inet4AddressLength = 12;
inline constexpr std::size_t kV2Inet6AddressLength = 36;
inline constexpr std::size_t kV2UnixAddressLength = 216;
// A TLV: type (1 byte), length (2 bytes, big endian), value.
inline constexpr std::size_t kV2TlvHeaderLength = 3;
// The largest v2 header the decoder accepts by default, fixed part included:
// HAProxy's default buffer size. The field allows 16 + 65535.
inline constexpr std::size_t kDefaultMaxV2Length = 16384;

enum class Version { V1, V2 };

// v2 LOCAL: a connection the proxy made itself (a health check); the
// receiver uses the real connection addresses.
enum class Command { Local, Proxy };

struct ProxyAddresses {
  common::net::Endpoint source;       // the original client
  common::net::Endpoint destination;  // the address the client connected to

  friend bool operator==(const ProxyAddresses&, const ProxyAddresses&) = default;
};

struct ProxyHeader {
  Version version = Version::V1;
  Command command = Command::Proxy;
  // nullopt: keep the connection's own addresses (v1 UNKNOWN, v2 LOCAL, v2
  // UNSPEC and unix sockets, which have no IP address to pass on).
  std::optional<ProxyAddresses> addresses;

  friend bool operator==(const ProxyHeader&, const ProxyHeader&) = default;
};

// What the codec pieces return: a value, or a static description of what is
// wrong with the input (static, so that rejecting a header never allocates).
template <class T>
using ParseResult = tl::expected<T, std::string_view>;

inline tl::unexpected<std::string_view> parse_error(std::string_view reason) {
  return tl::unexpected(reason);
}

// <addresses> with both sides in one family, as both versions require: an
// IPv4 side paired with an IPv6 one becomes v4-mapped (::ffff:a.b.c.d, RFC
// 4291 2.5.5.2), as HAProxy does.
ProxyAddresses with_common_family(const ProxyAddresses& addresses);

}  // namespace proxyd::proxy_protocol
