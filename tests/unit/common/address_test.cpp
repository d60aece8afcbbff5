#include "common/core/address.h"

#include <catch2/catch.hpp>

using common::net::Cidr;
using common::net::Endpoint;
using common::net::IpAddress;

TEST_CASE("IPv4 addresses parse and print as dotted quads") {
  const auto a = IpAddress::parse("10.0.0.10");
  REQUIRE(a);
  CHECK(a->is_v4());
  CHECK(a->v4_host_order() == 0x0a00000a);
  CHECK(a->to_string() == "10.0.0.10");
  for (const auto* bad : {"", "10.0.0", "10.0.0.256", "10.0.0.1.2", "010.0.0.1", "a.b.c.d", "10..0.1", "10.0.0.1 "}) {
    INFO(bad);
    CHECK_FALSE(IpAddress::parse(bad));
  }
}

TEST_CASE("IPv6 addresses parse with :: and an IPv4 tail, print per RFC 5952") {
  CHECK(IpAddress::parse("2001:db8::1")->to_string() == "2001:db8::1");
  CHECK(IpAddress::parse("2001:0DB8:0:0:0:0:0:1")->to_string() == "2001:db8::1");
  CHECK(IpAddress::parse("::")->to_string() == "::");
  CHECK(IpAddress::parse("::1")->is_loopback());
  CHECK(IpAddress::parse("fe80::1")->is_link_local());
  CHECK(IpAddress::parse("ff02::12")->is_multicast());
  CHECK(IpAddress::parse("::ffff:10.0.0.1")->to_string() == "::ffff:10.0.0.1");  // RFC 5952 5
  CHECK(IpAddress::parse("::ffff:a00:1")->to_string() == "::ffff:10.0.0.1");
  // The longest zero run is compressed; the first on a tie.
  CHECK(IpAddress::parse("1:0:0:2:0:0:0:3")->to_string() == "1:0:0:2::3");
  CHECK(IpAddress::parse("1:0:0:2:0:0:3:4")->to_string() == "1::2:0:0:3:4");
  for (const auto* bad : {":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "g::1", "::1.2.3"}) {
    INFO(bad);
    CHECK_FALSE(IpAddress::parse(bad));
  }
}

TEST_CASE("address classification") {
  CHECK(IpAddress::parse("224.0.0.18")->is_multicast());
  CHECK(IpAddress::parse("127.0.0.1")->is_loopback());
  CHECK(IpAddress::parse("169.254.169.254")->is_link_local());
  CHECK(IpAddress::parse("0.0.0.0")->is_unspecified());
  CHECK_FALSE(IpAddress::parse("10.0.0.1")->is_multicast());
}

TEST_CASE("endpoints: ip:port, [v6]:port and *:port") {
  CHECK(Endpoint::parse("10.0.0.10:80")->to_string() == "10.0.0.10:80");
  CHECK(Endpoint::parse("[2001:db8::1]:443")->to_string() == "[2001:db8::1]:443");
  const auto any = Endpoint::parse("*:8080");
  REQUIRE(any);
  CHECK(any->address.is_unspecified());
  CHECK(any->port == 8080);
  for (const auto* bad : {"10.0.0.1", "10.0.0.1:", "10.0.0.1:65536", "2001:db8::1:80", "[2001:db8::1]80",
                          "[10.0.0.1]:80", ":80", "10.0.0.1:-1"}) {
    INFO(bad);
    CHECK_FALSE(Endpoint::parse(bad));
  }
}

TEST_CASE("CIDR prefixes parse, contain, and reject host bits unless allowed") {
  const auto net = Cidr::parse("10.0.0.0/8");
  REQUIRE(net);
  CHECK(net->contains(*IpAddress::parse("10.200.3.4")));
  CHECK_FALSE(net->contains(*IpAddress::parse("11.0.0.1")));
  CHECK_FALSE(net->contains(*IpAddress::parse("::1")));
  CHECK_FALSE(Cidr::parse("10.0.0.1/8"));
  CHECK(Cidr::parse("10.0.0.10/24", true)->to_string() == "10.0.0.10/24");
  CHECK(Cidr::parse("10.0.0.10")->prefix_length == 32);
  CHECK(Cidr::parse("2001:db8::/32")->contains(*IpAddress::parse("2001:db8:1::5")));
  CHECK(Cidr::parse("0.0.0.0/0")->contains(*IpAddress::parse("1.2.3.4")));
  CHECK_FALSE(Cidr::parse("10.0.0.0/33"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/"));
}
