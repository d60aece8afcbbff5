#include "vrrpd/core/protocol/announcement.h"

#include <catch2/catch.hpp>

using namespace vrrpd::protocol;
using common::net::IpAddress;

TEST_CASE("gratuitous ARP: who-has VIP tell VIP, broadcast, as keepalived sends it") {
  // From garp-sample.txt: "02:77:00:00:00:12 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42:
  // Request who-has 10.77.0.10 (ff:ff:ff:ff:ff:ff) tell 10.77.0.10, length 28"
  const MacAddress mac{0x02, 0x77, 0x00, 0x00, 0x00, 0x12};
  const auto f = gratuitous_arp_frame(mac, *IpAddress::parse("10.77.0.10"));
  const std::vector<std::uint8_t> expected = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x77, 0x00, 0x00,
                                              0x00, 0x12, 0x08, 0x06,                          // Ethernet
                                              0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,  // ARP request
                                              0x02, 0x77, 0x00, 0x00, 0x00, 0x12, 0x0a, 0x4d, 0x00, 0x0a,   // sender
                                              0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a, 0x4d, 0x00, 0x0a};  // target
  CHECK(f == expected);
}

TEST_CASE("unsolicited neighbor advertisement: override flag and target link-layer option") {
  const MacAddress mac{0x02, 0x77, 0x00, 0x00, 0x00, 0x11};
  const auto vip = *IpAddress::parse("2001:db8::10");
  const auto m = unsolicited_neighbor_advert(mac, vip);
  REQUIRE(m.size() == 32);
  CHECK(m[0] == 136);
  CHECK(m[4] == 0x20);
  CHECK(std::equal(m.begin() + 8, m.begin() + 24, vip.bytes().begin()));
  CHECK(m[24] == 2);
  CHECK(m[25] == 1);
  CHECK(std::equal(m.begin() + 26, m.end(), mac.begin()));
}
