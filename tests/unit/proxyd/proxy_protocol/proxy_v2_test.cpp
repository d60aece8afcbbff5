#include "proxyd/core/proxy_protocol/proxy_v2.h"

#include <catch2/catch.hpp>

using namespace proxyd::proxy_protocol;
using common::net::Endpoint;
using Bytes = std::vector<std::uint8_t>;

namespace {

ProxyAddresses addresses(std::string_view source, std::string_view destination) {
  return {*Endpoint::parse(source), *Endpoint::parse(destination)};
}

Bytes fixed(std::uint8_t ver_cmd, std::uint8_t protocol, std::uint16_t length) {
  Bytes out(kV2Signature.begin(), kV2Signature.end());
  out.push_back(ver_cmd);
  out.push_back(protocol);
  out.push_back(static_cast<std::uint8_t>(length >> 8));
  out.push_back(static_cast<std::uint8_t>(length & 0xff));
  return out;
}

ParseResult<V2Prefix> prefix_of(const Bytes& bytes) {
  return parse_v2_prefix(std::span<const std::uint8_t, kV2FixedLength>(bytes.data(), kV2FixedLength));
}

}  // namespace

TEST_CASE("v2 encoding of TCP over IPv4 matches the spec's layout", "[proxyd][proxy_protocol]") {
  const auto bytes = encode_v2(Command::Proxy, addresses("192.0.2.1:51234", "198.51.100.7:443"));
  Bytes expected = fixed(0x21, 0x11, 12);
  const Bytes block{192, 0, 2, 1, 198, 51, 100, 7, 0xc8, 0x22, 0x01, 0xbb};  // 51234 = 0xc822, 443 = 0x01bb
  expected.insert(expected.end(), block.begin(), block.end());
  CHECK(bytes == expected);
}

TEST_CASE("v2 encoding of TCP over IPv6, LOCAL, absent and mixed addresses", "[proxyd][proxy_protocol]") {
  const auto tcp6 = encode_v2(Command::Proxy, addresses("[2001:db8::1]:1", "[2001:db8::2]:2"));
  REQUIRE(tcp6.size() == 16 + 36);
  CHECK(Bytes(tcp6.begin(), tcp6.begin() + 16) == fixed(0x21, 0x21, 36));
  CHECK(tcp6[16] == 0x20);
  CHECK(tcp6[16 + 15] == 0x01);
  CHECK(tcp6[16 + 33] == 0x01);
  CHECK(tcp6[16 + 35] == 0x02);

  CHECK(encode_v2(Command::Local, addresses("192.0.2.1:1", "192.0.2.2:2")) == fixed(0x20, 0x00, 0));
  CHECK(encode_v2(Command::Proxy, std::nullopt) == fixed(0x21, 0x00, 0));

  const auto mixed = encode_v2(Command::Proxy, addresses("192.0.2.1:1", "[2001:db8::2]:2"));
  REQUIRE(mixed.size() == 16 + 36);
  CHECK(mixed[13] == kV2Tcp6);
  CHECK(Bytes(mixed.begin() + 16, mixed.begin() + 32) == Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1});
}

TEST_CASE("the v2 fixed part is validated", "[proxyd][proxy_protocol]") {
  const auto ok = prefix_of(fixed(0x21, 0x11, 20));
  REQUIRE(ok);
  CHECK(ok->command == Command::Proxy);
  CHECK(ok->length == 20);
  CHECK(ok->address_length == 12);

  auto bad_signature = fixed(0x21, 0x11, 12);
  bad_signature[7] = 'q';
  CHECK(prefix_of(bad_signature).error() == "not a PROXY protocol header");
  CHECK(prefix_of(fixed(0x11, 0x11, 12)).error() == "v2: unsupported version");
  CHECK(prefix_of(fixed(0x22, 0x11, 12)).error() == "v2: unknown command");
  CHECK(prefix_of(fixed(0x21, 0x13, 12)).error() == "v2: unknown address family or transport");
  CHECK(prefix_of(fixed(0x21, 0x41, 12)).error() == "v2: unknown address family or transport");
  CHECK(prefix_of(fixed(0x21, 0x12, 12)).error() == "v2: datagram transport on a stream connection");
  CHECK(prefix_of(fixed(0x21, 0x11, 11)).error() == "v2: length too short for the addresses");
  CHECK(prefix_of(fixed(0x21, 0x21, 35)).error() == "v2: length too short for the addresses");
  CHECK(prefix_of(fixed(0x21, 0x31, 215)).error() == "v2: length too short for the addresses");
}

TEST_CASE("v2 LOCAL ignores the address block whatever its family", "[proxyd][proxy_protocol]") {
  for (const std::uint8_t protocol : {kV2Unspecified, kV2Tcp4, kV2Udp6, kV2UnixDatagram}) {
    const auto local = prefix_of(fixed(0x20, protocol, 3));
    REQUIRE(local);
    CHECK(local->command == Command::Local);
    CHECK(local->address_length == 0);
  }
  CHECK(prefix_of(fixed(0x20, 0x77, 0)).error() == "v2: unknown address family or transport");
}

TEST_CASE("v2 address blocks decode for IPv4 and IPv6, not for unix", "[proxyd][proxy_protocol]") {
  const auto encoded = encode_v2(Command::Proxy, addresses("192.0.2.1:51234", "198.51.100.7:443"));
  const auto prefix = prefix_of(encoded);
  REQUIRE(prefix);
  CHECK(parse_v2_addresses(*prefix, std::span(encoded).subspan(16)) ==
        addresses("192.0.2.1:51234", "198.51.100.7:443"));

  const auto encoded6 = encode_v2(Command::Proxy, addresses("[2001:db8::1]:1", "[::1]:2"));
  const auto prefix6 = prefix_of(encoded6);
  REQUIRE(prefix6);
  CHECK(parse_v2_addresses(*prefix6, std::span(encoded6).subspan(16)) == addresses("[2001:db8::1]:1", "[::1]:2"));

  const Bytes unix_block(216, 'x');
  CHECK(parse_v2_addresses(*prefix_of(fixed(0x21, kV2UnixStream, 216)), unix_block) == std::nullopt);
}
