#include "vrrpd/core/protocol/vrrp_packet.h"

#include "vrrpd/core/protocol/checksum.h"

namespace vrrpd::protocol {
namespace {

constexpr std::size_t kHeaderSize = 8;
constexpr std::size_t kAuthSize = 8;  // v2 trailer
constexpr std::uint8_t kTypeAdvertisement = 1;

std::size_t address_size(const PacketAddresses& a) {
  return a.source.is_v4() ? 4 : 16;
}

std::uint16_t message_checksum(std::span<const std::uint8_t> message, std::uint8_t version,
                               const PacketAddresses& addresses) {
  if (version == 2) return internet_checksum(message);
  return pseudo_header_checksum(message, addresses.source, addresses.destination);
}

}  // namespace

std::string Advert::auth_text() const {
  std::string out;
  for (const auto b : auth_data) {
    if (b == 0) break;
    out += static_cast<char>(b);
  }
  return out;
}

std::string_view describe(DecodeError error) {
  switch (error) {
    case DecodeError::TooShort:
      return "packet too short";
    case DecodeError::BadVersion:
      return "unknown VRRP version";
    case DecodeError::BadType:
      return "not an advertisement";
    case DecodeError::BadLength:
      return "length does not match the address count";
    case DecodeError::BadChecksum:
      return "bad checksum";
    case DecodeError::BadInterval:
      return "zero advertisement interval";
  }
  return "unknown";
}

tl::expected<Decoded, DecodeError> decode(std::span<const std::uint8_t> bytes, const PacketAddresses& addresses) {
  if (bytes.size() < kHeaderSize) return tl::unexpected(DecodeError::TooShort);
  const std::uint8_t version = bytes[0] >> 4;
  if (version != 2 && version != 3) return tl::unexpected(DecodeError::BadVersion);
  if ((bytes[0] & 0x0f) != kTypeAdvertisement) return tl::unexpected(DecodeError::BadType);
  Decoded out;
  auto& a = out.advert;
  a.version = version;
  a.vrid = bytes[1];
  a.priority = bytes[2];
  const std::size_t count = bytes[3];
  const std::size_t asize = address_size(addresses);
  const std::size_t expected = kHeaderSize + count * asize + (version == 2 ? kAuthSize : 0);
  if (bytes.size() < expected) return tl::unexpected(DecodeError::TooShort);
  out.has_trailer = bytes.size() == expected + kAuthTrailerSize && bytes[expected] == 'V' && bytes[expected + 1] == 'H';
  if (bytes.size() != expected && !out.has_trailer) return tl::unexpected(DecodeError::BadLength);
  out.message_size = expected;
  bytes = bytes.first(expected);
  if (version == 2) {
    a.auth_type = static_cast<AuthType>(bytes[4]);
    a.interval_cs = static_cast<std::uint16_t>(bytes[5] * 100);
  } else {
    a.interval_cs = static_cast<std::uint16_t>((bytes[4] & 0x0f) << 8 | bytes[5]);
  }
  if (a.interval_cs == 0) return tl::unexpected(DecodeError::BadInterval);
  out.checksum = static_cast<std::uint16_t>(bytes[6] << 8 | bytes[7]);
  if (message_checksum(bytes, version, addresses) != 0) return tl::unexpected(DecodeError::BadChecksum);
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = bytes.subspan(kHeaderSize + i * asize, asize);
    a.addresses.push_back(asize == 4 ? common::net::IpAddress::v4(std::span<const std::uint8_t, 4>(at.data(), 4))
                                     : common::net::IpAddress::v6(std::span<const std::uint8_t, 16>(at.data(), 16)));
  }
  if (version == 2) std::copy_n(bytes.end() - kAuthSize, kAuthSize, a.auth_data.begin());
  return out;
}

std::vector<std::uint8_t> encode(const Advert& advert, const PacketAddresses& addresses) {
  std::vector<std::uint8_t> out(kHeaderSize);
  out[0] = static_cast<std::uint8_t>(advert.version << 4 | kTypeAdvertisement);
  out[1] = advert.vrid;
  out[2] = advert.priority;
  out[3] = static_cast<std::uint8_t>(advert.addresses.size());
  if (advert.version == 2) {
    out[4] = static_cast<std::uint8_t>(advert.auth_type);
    out[5] = static_cast<std::uint8_t>(advert.interval_cs / 100);
  } else {
    out[4] = static_cast<std::uint8_t>((advert.interval_cs >> 8) & 0x0f);
    out[5] = static_cast<std::uint8_t>(advert.interval_cs & 0xff);
  }
  for (const auto& address : advert.addresses) {
    const auto b = address.bytes();
    out.insert(out.end(), b.begin(), b.end());
  }
  if (advert.version == 2) out.insert(out.end(), advert.auth_data.begin(), advert.auth_data.end());
  const auto sum = message_checksum(out, advert.version, addresses);
  out[6] = static_cast<std::uint8_t>(sum >> 8);
  out[7] = static_cast<std::uint8_t>(sum & 0xff);
  return out;
}

std::array<std::uint8_t, 8> pass_auth_data(std::string_view password) {
  std::array<std::uint8_t, 8> out{};
  for (std::size_t i = 0; i < out.size() && i < password.size(); ++i) out[i] = static_cast<std::uint8_t>(password[i]);
  return out;
}

std::optional<Ipv4Header> parse_ipv4(std::span<const std::uint8_t> packet) {
  if (packet.size() < 20 || packet[0] >> 4 != 4) return std::nullopt;
  const std::size_t header_length = static_cast<std::size_t>(packet[0] & 0x0f) * 4;
  const std::size_t total_length = static_cast<std::size_t>(packet[2] << 8 | packet[3]);
  if (header_length < 20 || packet.size() < header_length) return std::nullopt;
  // Raw sockets may hand over the datagram with the total length as sent.
  const std::size_t end = total_length >= header_length && total_length <= packet.size() ? total_length : packet.size();
  Ipv4Header h;
  h.ttl = packet[8];
  h.protocol = packet[9];
  h.source = common::net::IpAddress::v4(std::span<const std::uint8_t, 4>(packet.data() + 12, 4));
  h.destination = common::net::IpAddress::v4(std::span<const std::uint8_t, 4>(packet.data() + 16, 4));
  h.payload = packet.subspan(header_length, end - header_length);
  return h;
}

}  // namespace vrrpd::protocol
