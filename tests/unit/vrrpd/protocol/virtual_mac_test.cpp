#include "vrrpd/core/protocol/virtual_mac.h"

#include <catch2/catch.hpp>

using namespace vrrpd::protocol;

TEST_CASE("the virtual router MAC of RFC 5798 7.3, for IPv4 and IPv6") {
  CHECK(mac_to_string(virtual_router_mac(51, common::net::Family::V4)) == "00:00:5e:00:01:33");
  CHECK(mac_to_string(virtual_router_mac(255, common::net::Family::V4)) == "00:00:5e:00:01:ff");
  CHECK(mac_to_string(virtual_router_mac(1, common::net::Family::V6)) == "00:00:5e:00:02:01");
}
