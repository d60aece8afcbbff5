// Defence in depth without keys: the MAC address each peer's adverts come
// from. A peer's MAC is known from the kernel's neighbour table (ARP: a
// unicast master has resolved its backup to send it adverts) or, failing
// that, from its first accepted advert; an advert claiming that peer's
// address from another MAC is a forgery (someone spoofing the source
// address) unless auth_hmac proved it authentic, which teaches the new MAC
// (a replaced NIC). A reload forgets what was learned (the documented way
// to accept a replaced NIC without auth_hmac).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/core/address.h"
#include "vrrpd/core/protocol/announcement.h"

namespace vrrpd::protocol {

class PeerMacGuard {
 public:
  enum class Source { Neighbour, Advert };
  struct Known {
    MacAddress mac{};
    Source source = Source::Advert;
  };

  // The MAC known for <peer>, if any.
  std::optional<Known> known(const common::net::IpAddress& peer) const;
  // What the neighbour table says <peer>'s MAC is (asked once per peer, when
  // its first advert arrives and nothing is known yet).
  void expect(const common::net::IpAddress& peer, const MacAddress& mac);
  // True when an advert from <peer> sent from <mac> contradicts what is known.
  bool forged(const common::net::IpAddress& peer, const MacAddress& mac) const;
  // An accepted advert: learns <mac> for <peer>; true when it replaced
  // another MAC (only an authenticated advert may).
  bool learn(const common::net::IpAddress& peer, const MacAddress& mac);
  void forget() { peers_.clear(); }
  const std::map<common::net::IpAddress, Known>& peers() const { return peers_; }

 private:
  std::map<common::net::IpAddress, Known> peers_;
};

std::string_view describe(PeerMacGuard::Source source);  // "ARP/ND", "its adverts"

}  // namespace vrrpd::protocol
