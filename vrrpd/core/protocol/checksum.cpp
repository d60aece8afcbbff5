#include "vrrpd/core/protocol/checksum.h"

namespace vrrpd::protocol {

std::uint32_t checksum_add(std::uint32_t sum, std::span<const std::uint8_t> bytes) {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < bytes.size()) sum += static_cast<std::uint32_t>(bytes[i] << 8);  // odd length: pad with zero
  return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

std::uint16_t internet_checksum(std::span<const std::uint8_t> message) {
  return checksum_finish(checksum_add(0, message));
}

std::uint16_t pseudo_header_checksum(std::span<const std::uint8_t> message, const common::net::IpAddress& source,
                                     const common::net::IpAddress& destination, std::uint8_t protocol) {
  std::uint32_t sum = checksum_add(0, source.bytes());
  sum = checksum_add(sum, destination.bytes());
  const auto length = static_cast<std::uint32_t>(message.size());
  if (source.is_v4()) {
    // zero, protocol, 16-bit length
    sum += protocol;
    sum += length & 0xffff;
  } else {
    // 32-bit length, three zero bytes, next header
    sum += length >> 16;
    sum += length & 0xffff;
    sum += protocol;
  }
  return checksum_finish(checksum_add(sum, message));
}

}  // namespace vrrpd::protocol
