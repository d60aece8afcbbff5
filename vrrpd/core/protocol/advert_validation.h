// Is a well-formed advertisement acceptable for an instance? RFC 5798 7.1
// (and RFC 3768 7.1 for v2), with keepalived's tolerances: a VIP list that
// differs from ours is reported but accepted; a VRRPv3 interval mismatch is
// reported and accepted (the backup adopts the master's interval), a VRRPv2
// one drops the packet.
//
// Every verdict names the field and both values, because config drift
// between the two nodes is the first cause of split brain.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/address.h"
#include "vrrpd/core/protocol/vrrp_packet.h"

namespace vrrpd::protocol {

inline constexpr std::uint8_t kRequiredTtl = 255;

// What an instance accepts.
struct Expectation {
  std::uint8_t version = 3;
  std::uint8_t vrid = 0;
  std::uint16_t interval_cs = 100;
  AuthType auth_type = AuthType::None;
  std::array<std::uint8_t, 8> auth_data{};
  std::vector<common::net::IpAddress> vips;
  std::vector<common::net::IpAddress> unicast_peers;  // empty: multicast, any sender
};

enum class DropReason {
  Malformed,  // did not decode (see DecodeError)
  BadTtl,
  BadVersion,
  BadVrid,
  BadAuthType,
  BadAuth,
  BadInterval,
  UnknownSender,
  // auth_hmac (advert_auth.h)
  Unauthenticated,  // no trailer, auth_hmac enforce
  UnknownKey,
  BadHmac,
  Replay,
  Stale,     // a sender's first advert too far from our clock
  WrongMac,  // from another MAC than the peer's (peer_mac.h)
};
inline constexpr std::size_t kDropReasonCount = 14;
std::string_view describe(DropReason reason);  // "bad_ttl", ... (for counters and JSON)

enum class Notice { IntervalMismatch, AddressMismatch };

struct Verdict {
  std::optional<DropReason> drop;
  std::vector<Notice> notices;
  std::string detail;  // "ttl 64, expected 255"; empty when fully acceptable

  bool accepted() const { return !drop; }
};

Verdict validate(const Advert& advert, std::uint8_t ttl, const common::net::IpAddress& sender,
                 const Expectation& expected);

}  // namespace vrrpd::protocol
