// The peer MAC guard: known from ARP or the first advert; another MAC is a
// forgery unless an authenticated advert teaches it.
#include "vrrpd/core/protocol/peer_mac.h"

#include <catch2/catch.hpp>

using namespace vrrpd::protocol;
using common::net::IpAddress;

namespace {
const IpAddress kPeer = *IpAddress::parse("10.0.0.12");
const MacAddress kReal{0x02, 0, 0, 0, 0, 0x12};
const MacAddress kEvil{0x02, 0, 0, 0, 0, 0x66};
}  // namespace

TEST_CASE("a MAC known from the neighbour table makes adverts from another MAC forgeries") {
  PeerMacGuard guard;
  CHECK_FALSE(guard.forged(kPeer, kEvil));  // nothing known yet
  guard.expect(kPeer, kReal);
  CHECK(guard.forged(kPeer, kEvil));
  CHECK_FALSE(guard.forged(kPeer, kReal));
  CHECK(guard.known(kPeer)->source == PeerMacGuard::Source::Neighbour);
  guard.expect(kPeer, kEvil);  // a later (poisoned) answer does not replace it
  CHECK(guard.known(kPeer)->mac == kReal);
  CHECK(describe(PeerMacGuard::Source::Neighbour) == "ARP/ND");
}

TEST_CASE("the first accepted advert teaches the MAC; an authenticated one may replace it; forget starts over") {
  PeerMacGuard guard;
  CHECK_FALSE(guard.learn(kPeer, kReal));
  CHECK(guard.forged(kPeer, kEvil));
  CHECK(guard.learn(kPeer, kEvil));  // the caller only does this for an authenticated advert
  CHECK(guard.known(kPeer)->mac == kEvil);
  guard.forget();
  CHECK_FALSE(guard.known(kPeer));
  CHECK_FALSE(guard.forged(kPeer, kReal));
}
