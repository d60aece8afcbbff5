#include "vrrpd/core/protocol/advert_validation.h"

#include <catch2/catch.hpp>

using namespace vrrpd::protocol;
using common::net::IpAddress;

namespace {

const IpAddress kPeer = *IpAddress::parse("10.0.0.12");
const IpAddress kVip = *IpAddress::parse("10.0.0.10");

Expectation v2_pass() {
  Expectation e;
  e.version = 2;
  e.vrid = 51;
  e.interval_cs = 100;
  e.auth_type = AuthType::Pass;
  e.auth_data = pass_auth_data("s3cret");
  e.vips = {kVip};
  return e;
}

Advert matching(const Expectation& e) {
  Advert a;
  a.version = e.version;
  a.vrid = e.vrid;
  a.priority = 100;
  a.interval_cs = e.interval_cs;
  a.auth_type = e.auth_type;
  a.auth_data = e.auth_data;
  a.addresses = e.vips;
  return a;
}

}  // namespace

TEST_CASE("an advert matching the instance is accepted silently") {
  const auto e = v2_pass();
  const auto v = validate(matching(e), 255, kPeer, e);
  CHECK(v.accepted());
  CHECK(v.notices.empty());
  CHECK(v.detail.empty());
}

TEST_CASE("each mismatch drops the advert and names the field and values") {
  const auto e = v2_pass();
  auto a = matching(e);
  auto v = validate(a, 64, kPeer, e);
  CHECK(v.drop == DropReason::BadTtl);
  CHECK(v.detail == "ttl 64, expected 255");

  a = matching(e);
  a.version = 3;
  CHECK(validate(a, 255, kPeer, e).detail == "version 3, ours 2");

  a = matching(e);
  a.vrid = 52;
  v = validate(a, 255, kPeer, e);
  CHECK(v.drop == DropReason::BadVrid);
  CHECK(v.detail == "virtual_router_id 52, ours 51");

  a = matching(e);
  a.auth_type = AuthType::None;
  v = validate(a, 255, kPeer, e);
  CHECK(v.drop == DropReason::BadAuthType);
  CHECK(v.detail == "auth_type none, ours PASS");

  a = matching(e);
  a.auth_data = pass_auth_data("wrong");
  CHECK(validate(a, 255, kPeer, e).drop == DropReason::BadAuth);

  a = matching(e);
  a.interval_cs = 200;
  v = validate(a, 255, kPeer, e);
  CHECK(v.drop == DropReason::BadInterval);
  CHECK(v.detail == "advert_int 2s, ours 1s");
}

TEST_CASE("unicast instances accept only their peers") {
  auto e = v2_pass();
  e.unicast_peers = {kPeer};
  const auto v = validate(matching(e), 255, *IpAddress::parse("10.0.0.99"), e);
  CHECK(v.drop == DropReason::UnknownSender);
  CHECK(v.detail == "sender 10.0.0.99 is not a unicast_peer");
  CHECK(validate(matching(e), 255, kPeer, e).accepted());
}

TEST_CASE("VRRPv3 interval and VIP-list differences are reported but accepted") {
  Expectation e;
  e.version = 3;
  e.vrid = 51;
  e.interval_cs = 10;
  e.vips = {kVip};
  auto a = matching(e);
  a.interval_cs = 100;
  a.addresses = {*IpAddress::parse("10.0.0.20")};
  const auto v = validate(a, 255, kPeer, e);
  CHECK(v.accepted());
  CHECK(v.notices.size() == 2);
  CHECK(v.detail == "advert_int 1s, ours 100ms; addresses 10.0.0.20, ours 10.0.0.10");
  // The same addresses in another order are not a difference.
  e.vips = {kVip, kPeer};
  a = matching(e);
  a.addresses = {kPeer, kVip};
  CHECK(validate(a, 255, kPeer, e).notices.empty());
}
