// Any bytes as a received IPv4 packet or VRRP message: decode must classify
// them without crashing, and whatever decodes re-encodes to the same bytes.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vrrpd/core/protocol/advert_validation.h"
#include "vrrpd/core/protocol/vrrp_packet.h"

using namespace vrrpd::protocol;

namespace {

// <a> and <b> differ only in the checksum (bytes 6 and 7), one being 0x0000
// and the other 0xffff.
bool only_zero_spelling_differs(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i != 6 && i != 7 && a[i] != b[i]) return false;
  }
  const unsigned x = static_cast<unsigned>(a[6]) << 8 | a[7];
  const unsigned y = static_cast<unsigned>(b[6]) << 8 | b[7];
  return (x == 0 && y == 0xffff) || (x == 0xffff && y == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto ip = parse_ipv4(bytes);
  const PacketAddresses at =
      ip ? PacketAddresses{ip->source, ip->destination}
         : PacketAddresses{*common::net::IpAddress::parse("10.0.0.1"), *common::net::IpAddress::parse("224.0.0.18")};
  const auto message = ip ? ip->payload : bytes;
  const auto decoded = decode(message, at);
  if (decoded) {
    // An auth_hmac trailer is not part of the message (advert_fuzz checks it).
    const auto vrrp = message.first(decoded->message_size);
    const auto again = encode(decoded->advert, at);
    if (again.size() != vrrp.size() || !std::equal(again.begin(), again.end(), vrrp.begin())) {
      // Only what the codec does not model may differ: v3's reserved
      // nibble, and the checksum's two spellings of one's-complement zero
      // (0x0000 and 0xffff both verify; RFC 1071).
      const bool reserved = decoded->advert.version == 3 && (vrrp[4] & 0xf0) != 0;
      if (!reserved && !(again.size() == vrrp.size() && only_zero_spelling_differs(again, vrrp))) std::abort();
    }
    Expectation e;
    e.vrid = decoded->advert.vrid;
    (void)validate(decoded->advert, ip ? ip->ttl : 255, at.source, e);
  }
  return 0;
}
