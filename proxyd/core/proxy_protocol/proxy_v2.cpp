#include "proxyd/core/proxy_protocol/proxy_v2.h"

#include <algorithm>

namespace proxyd::proxy_protocol {
namespace {

using common::net::Endpoint;
using common::net::IpAddress;

std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

void write_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

// The address block length of a valid protocol byte under PROXY; nullopt
// for a byte outside the seven the spec allows.
std::optional<std::size_t> address_length_of(std::uint8_t protocol) {
  switch (protocol) {
    case kV2Unspecified:
      return 0;
    case kV2Tcp4:
    case kV2Udp4:
      return kV2Inet4AddressLength;
    case kV2Tcp6:
    case kV2Udp6:
      return kV2Inet6AddressLength;
    case kV2UnixStream:
    case kV2UnixDatagram:
      return kV2UnixAddressLength;
    default:
      return std::nullopt;
  }
}

}  // namespace

ParseResult<V2Prefix> parse_v2_prefix(std::span<const std::uint8_t, kV2FixedLength> bytes) {
  if (!std::equal(kV2Signature.begin(), kV2Signature.end(), bytes.begin())) {
    return parse_error("not a PROXY protocol header");
  }
  if ((bytes[12] >> 4) != kV2Version) return parse_error("v2: unsupported version");
  const std::uint8_t command = bytes[12] & 0x0f;
  if (command != kV2CommandLocal && command != kV2CommandProxy) return parse_error("v2: unknown command");
  V2Prefix prefix{command == kV2CommandProxy ? Command::Proxy : Command::Local, bytes[13], read_u16(bytes, 14), 0};
  const auto address_length = address_length_of(prefix.protocol);
  if (!address_length) return parse_error("v2: unknown address family or transport");
  // LOCAL: the receiver discards the address block, whatever the family.
  if (prefix.command == Command::Local) return prefix;
  if (prefix.protocol == kV2Udp4 || prefix.protocol == kV2Udp6 || prefix.protocol == kV2UnixDatagram) {
    return parse_error("v2: datagram transport on a stream connection");
  }
  if (prefix.length < *address_length) return parse_error("v2: length too short for the addresses");
  prefix.address_length = *address_length;
  return prefix;
}

std::optional<ProxyAddresses> parse_v2_addresses(const V2Prefix& prefix, std::span<const std::uint8_t> block) {
  if (prefix.protocol == kV2Tcp4 && block.size() >= kV2Inet4AddressLength) {
    return ProxyAddresses{Endpoint{IpAddress::v4(block.subspan<0, 4>()), read_u16(block, 8)},
                          Endpoint{IpAddress::v4(block.subspan<4, 4>()), read_u16(block, 10)}};
  }
  if (prefix.protocol == kV2Tcp6 && block.size() >= kV2Inet6AddressLength) {
    return ProxyAddresses{Endpoint{IpAddress::v6(block.subspan<0, 16>()), read_u16(block, 32)},
                          Endpoint{IpAddress::v6(block.subspan<16, 16>()), read_u16(block, 34)}};
  }
  return std::nullopt;
}

std::vector<std::uint8_t> encode_v2(Command command, const std::optional<ProxyAddresses>& addresses) {
  std::vector<std::uint8_t> out(kV2Signature.begin(), kV2Signature.end());
  const bool proxy = command == Command::Proxy;
  out.push_back(static_cast<std::uint8_t>((kV2Version << 4) | (proxy ? kV2CommandProxy : kV2CommandLocal)));
  if (!proxy || !addresses) {
    out.push_back(kV2Unspecified);
    write_u16(out, 0);
    return out;
  }
  const auto a = with_common_family(*addresses);
  const bool v4 = a.source.address.is_v4();
  out.push_back(v4 ? kV2Tcp4 : kV2Tcp6);
  write_u16(out, static_cast<std::uint16_t>(v4 ? kV2Inet4AddressLength : kV2Inet6AddressLength));
  for (const auto byte : a.source.address.bytes()) out.push_back(byte);
  for (const auto byte : a.destination.address.bytes()) out.push_back(byte);
  write_u16(out, a.source.port);
  write_u16(out, a.destination.port);
  return out;
}

}  // namespace proxyd::proxy_protocol
