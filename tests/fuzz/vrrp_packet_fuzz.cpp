// Any bytes as a received IPv4 packet or VRRP message: decode must classify
// them without crashing, and whatever decodes re-encodes to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vrrpd/core/protocol/advert_validation.h"
#include "vrrpd/core/protocol/vrrp_packet.h"

using namespace vrrpd::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto ip = parse_ipv4(bytes);
  const PacketAddresses at =
      ip ? PacketAddresses{ip->source, ip->destination}
         : PacketAddresses{*common::net::IpAddress::parse("10.0.0.1"), *common::net::IpAddress::parse("224.0.0.18")};
  const auto message = ip ? ip->payload : bytes;
  const auto decoded = decode(message, at);
  if (decoded) {
    const auto again = encode(decoded->advert, at);
    if (again.size() != message.size() || !std::equal(again.begin(), again.end(), message.begin())) {
      // Only bits the codec does not model may differ: v3's reserved nibble.
      if (decoded->advert.version != 3 || (message[4] & 0xf0) == 0) std::abort();
    }
    Expectation e;
    e.vrid = decoded->advert.vrid;
    (void)validate(decoded->advert, ip ? ip->ttl : 255, at.source, e);
  }
  return 0;
}
