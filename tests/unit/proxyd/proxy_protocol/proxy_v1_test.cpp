#include "proxyd/core/proxy_protocol/proxy_v1.h"

#include <catch2/catch.hpp>

using namespace proxyd::proxy_protocol;
using common::net::Endpoint;

namespace {

ProxyAddresses addresses(std::string_view source, std::string_view destination) {
  return {*Endpoint::parse(source), *Endpoint::parse(destination)};
}

std::string error_of(std::string_view line) {
  const auto parsed = parse_v1_line(line);
  REQUIRE_FALSE(parsed);
  return std::string(parsed.error());
}

}  // namespace

TEST_CASE("v1 lines for TCP4 and TCP6 decode to addresses", "[proxyd][proxy_protocol]") {
  const auto tcp4 = parse_v1_line("PROXY TCP4 192.0.2.1 198.51.100.7 51234 443");
  REQUIRE(tcp4);
  CHECK(tcp4->version == Version::V1);
  CHECK(tcp4->command == Command::Proxy);
  CHECK(tcp4->addresses == addresses("192.0.2.1:51234", "198.51.100.7:443"));

  const auto tcp6 = parse_v1_line("PROXY TCP6 2001:db8::1 2001:db8::2 0 65535");
  REQUIRE(tcp6);
  CHECK(tcp6->addresses == addresses("[2001:db8::1]:0", "[2001:db8::2]:65535"));
  const auto mapped = parse_v1_line("PROXY TCP6 ::ffff:192.0.2.1 2001:db8::2 1 2");
  REQUIRE(mapped);
  CHECK(mapped->addresses->source.address == *common::net::IpAddress::parse("::ffff:c000:201"));
}

TEST_CASE("v1 UNKNOWN keeps the connection's addresses and ignores the rest", "[proxyd][proxy_protocol]") {
  for (const auto line : {"PROXY UNKNOWN", "PROXY UNKNOWN 192.0.2.1 whatever follows"}) {
    const auto parsed = parse_v1_line(line);
    REQUIRE(parsed);
    CHECK(parsed->addresses == std::nullopt);
    CHECK(parsed->command == Command::Proxy);
  }
}

TEST_CASE("v1 lines with bad syntax are rejected with a reason", "[proxyd][proxy_protocol]") {
  CHECK(error_of("PROXY") == "not a PROXY protocol header");
  CHECK(error_of("proxy TCP4 1.2.3.4 1.2.3.5 1 2") == "not a PROXY protocol header");
  CHECK(error_of("PROXY TCP5 1.2.3.4 1.2.3.5 1 2") == "v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)");
  CHECK(error_of("PROXY tcp4 1.2.3.4 1.2.3.5 1 2") == "v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)");
  CHECK(error_of("PROXY UNKNOWNX") == "v1: unknown protocol (expected TCP4, TCP6 or UNKNOWN)");
  CHECK(error_of("PROXY TCP4") == "v1: expected source, destination and two ports");
  CHECK(error_of("PROXY TCP4 1.2.3.4 1.2.3.5 1") == "v1: expected source, destination and two ports");
  CHECK(error_of("PROXY TCP4 1.2.3.4 1.2.3.5 1 2 3") == "v1: expected source, destination and two ports");
  CHECK(error_of("PROXY TCP4 1.2.3.4  1.2.3.5 1 2") == "v1: expected source, destination and two ports");
  CHECK(error_of("PROXY TCP4 1.2.3.4 1.2.3.5 1 2 ") == "v1: expected source, destination and two ports");
  CHECK(error_of("PROXY TCP4 1.2.3.256 1.2.3.5 1 2") == "v1: bad address");
  CHECK(error_of("PROXY TCP4 2001:db8::1 1.2.3.5 1 2") == "v1: address does not match the protocol");
  CHECK(error_of("PROXY TCP6 1.2.3.4 2001:db8::1 1 2") == "v1: address does not match the protocol");
  CHECK(error_of("PROXY TCP4 1.2.3.4 1.2.3.5 65536 2") == "v1: bad port");
  CHECK(error_of("PROXY TCP4 1.2.3.4 1.2.3.5 080 2") == "v1: bad port");
  CHECK(error_of("PROXY TCP4 1.2.3.4 1.2.3.5 +80 2") == "v1: bad port");
  CHECK(error_of("PROXY TCP4 1.2.3.4 1.2.3.5 80 -2") == "v1: bad port");
}

TEST_CASE("v1 encoding writes the spec's line", "[proxyd][proxy_protocol]") {
  CHECK(encode_v1(addresses("192.0.2.1:51234", "198.51.100.7:443")) ==
        "PROXY TCP4 192.0.2.1 198.51.100.7 51234 443\r\n");
  CHECK(encode_v1(addresses("[2001:db8::1]:51234", "[2001:db8::2]:443")) ==
        "PROXY TCP6 2001:db8::1 2001:db8::2 51234 443\r\n");
  CHECK(encode_v1(std::nullopt) == "PROXY UNKNOWN\r\n");
  // Mixed families: the IPv4 side goes v4-mapped (IpAddress prints it in
  // plain hex groups, which every inet_pton reads).
  CHECK(encode_v1(addresses("192.0.2.1:1", "[2001:db8::2]:2")) == "PROXY TCP6 ::ffff:192.0.2.1 2001:db8::2 1 2\r\n");
}

TEST_CASE("the longest v1 header fits in 107 bytes", "[proxyd][proxy_protocol]") {
  const auto longest = encode_v1(
      addresses("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"));
  CHECK(longest.size() == 104);
  CHECK(longest.size() <= kV1MaxLength);
}
