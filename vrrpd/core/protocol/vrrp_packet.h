// VRRP advertisements on the wire: VRRPv2 (RFC 3768 5.1) and VRRPv3
// (RFC 5798 5.1), IPv4 and (v3) IPv6. Pure codec: bytes in, values out.
//
// decode() only checks that the bytes are a well-formed advertisement
// (version, type, length, address count, checksum). Whether it is acceptable
// for an instance (TTL, VRID, auth, interval, sender) is validate()'s job, in
// advert_validation.h. Neither throws nor logs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/address.h"
#include "common/core/result.h"

namespace vrrpd::protocol {

// RFC 3768 5.3.6: 0 none, 1 simple text password; 2 (IP AH) is parsed but
// never accepted.
enum class AuthType : std::uint8_t { None = 0, Pass = 1, Ah = 2 };

struct Advert {
  std::uint8_t version = 3;  // 2 or 3
  std::uint8_t vrid = 0;
  std::uint8_t priority = 0;
  // v2: whole seconds on the wire; v3: centiseconds (12 bits). Stored in
  // centiseconds for both, so comparisons need no conversion.
  std::uint16_t interval_cs = 100;
  AuthType auth_type = AuthType::None;      // v2 only
  std::array<std::uint8_t, 8> auth_data{};  // v2 only
  std::vector<common::net::IpAddress> addresses;

  // The PASS password as text (trailing NULs removed).
  std::string auth_text() const;
};

// Where the packet came from and went to (needed for the v3 checksum).
struct PacketAddresses {
  common::net::IpAddress source;
  common::net::IpAddress destination;
};

enum class DecodeError {
  TooShort,
  BadVersion,
  BadType,
  BadLength,  // length does not match the address count
  BadChecksum,
  BadInterval,  // zero advertisement interval
};
std::string_view describe(DecodeError error);

// An auth_hmac trailer may follow the VRRP message (advert_auth.h): this
// many bytes starting with 'V' 'H'.
inline constexpr std::size_t kAuthTrailerSize = 44;

struct Decoded {
  Advert advert;
  std::uint16_t checksum = 0;
  std::size_t message_size = 0;  // the VRRP message; a trailer follows when has_trailer
  bool has_trailer = false;
};

// Decodes the VRRP message <bytes> (the IP payload). The address family of
// the advertised addresses is that of <addresses>.
tl::expected<Decoded, DecodeError> decode(std::span<const std::uint8_t> bytes, const PacketAddresses& addresses);

// Encodes <advert> with its checksum. The v2 interval is interval_cs / 100.
std::vector<std::uint8_t> encode(const Advert& advert, const PacketAddresses& addresses);

// Builds a PASS auth_data field from a password (truncated to 8 bytes,
// NUL-padded, as keepalived does).
std::array<std::uint8_t, 8> pass_auth_data(std::string_view password);

// The IPv4 header in front of a received VRRP message (raw IPv4 sockets
// deliver it). Fails on a truncated or non-IPv4 header.
struct Ipv4Header {
  common::net::IpAddress source;
  common::net::IpAddress destination;
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  std::span<const std::uint8_t> payload;
};
std::optional<Ipv4Header> parse_ipv4(std::span<const std::uint8_t> packet);

}  // namespace vrrpd::protocol
