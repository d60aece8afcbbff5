// IP addresses, endpoints and prefixes as plain values: parsed and printed
// without the socket API (io/socket_address.h converts to sockaddr).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace common::net {

enum class Family : std::uint8_t { V4, V6 };

class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0
  static IpAddress v4(std::uint32_t host_order);
  static IpAddress v4(std::span<const std::uint8_t, 4> bytes);
  static IpAddress v6(std::span<const std::uint8_t, 16> bytes);
  static IpAddress any(Family family);

  // Dotted quad or RFC 4291 text (with :: and an embedded IPv4 tail).
  // No zone index, no leading zeros in dotted quads (they mean octal to some).
  static std::optional<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::V4; }
  std::span<const std::uint8_t> bytes() const { return {bytes_.data(), is_v4() ? 4u : 16u}; }
  std::uint32_t v4_host_order() const;

  bool is_unspecified() const;
  bool is_loopback() const;
  bool is_multicast() const;
  bool is_link_local() const;

  // Canonical text: dotted quad, or RFC 5952 for IPv6.
  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::V4;
  std::array<std::uint8_t, 16> bytes_{};
};

// The longest Unix socket path (sun_path's size less its terminating NUL).
inline constexpr std::size_t kMaxUnixPath = 107;

// An address and a port: "10.0.0.1:80", "[2001:db8::1]:443", "*:80" (any
// IPv4); or a Unix socket path ("unix@/run/app.sock"; a peer accepted on a
// Unix socket has an empty path).
struct Endpoint {
  Endpoint() = default;
  Endpoint(IpAddress address_, std::uint16_t port_) : address(address_), port(port_) {}

  IpAddress address;
  std::uint16_t port = 0;
  std::string unix_path;
  bool unix_socket = false;

  static std::optional<Endpoint> parse(std::string_view text);
  static Endpoint from_unix_path(std::string path);
  bool is_unix() const { return unix_socket; }
  std::string to_string() const;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

// A prefix: "10.0.0.0/8", "2001:db8::/32"; a bare address is a host prefix.
struct Cidr {
  IpAddress network;
  std::uint8_t prefix_length = 0;

  // Host bits must be zero unless <allow_host_bits> (VIPs are "10.0.0.10/24").
  static std::optional<Cidr> parse(std::string_view text, bool allow_host_bits = false);
  bool contains(const IpAddress& address) const;
  std::string to_string() const;
  friend auto operator<=>(const Cidr&, const Cidr&) = default;
};

}  // namespace common::net
