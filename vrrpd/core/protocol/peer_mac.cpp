#include "vrrpd/core/protocol/peer_mac.h"

namespace vrrpd::protocol {

std::optional<PeerMacGuard::Known> PeerMacGuard::known(const common::net::IpAddress& peer) const {
  const auto it = peers_.find(peer);
  if (it == peers_.end()) return std::nullopt;
  return it->second;
}

void PeerMacGuard::expect(const common::net::IpAddress& peer, const MacAddress& mac) {
  peers_.emplace(peer, Known{mac, Source::Neighbour});
}

bool PeerMacGuard::forged(const common::net::IpAddress& peer, const MacAddress& mac) const {
  const auto it = peers_.find(peer);
  return it != peers_.end() && it->second.mac != mac;
}

bool PeerMacGuard::learn(const common::net::IpAddress& peer, const MacAddress& mac) {
  const auto [it, fresh] = peers_.try_emplace(peer, Known{mac, Source::Advert});
  if (fresh || it->second.mac == mac) return false;
  it->second = Known{mac, Source::Advert};
  return true;
}

std::string_view describe(PeerMacGuard::Source source) {
  return source == PeerMacGuard::Source::Neighbour ? "ARP/ND" : "its adverts";
}

}  // namespace vrrpd::protocol
