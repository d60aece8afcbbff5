// Codec tests against adverts Keepalived 2.2.7 put on the wire
// (../shared/reference/keepalived/vrrp-wire-sample.txt): kalb1 10.77.0.11,
// vrid 51, prio 200, VIP 10.77.0.10, PASS "ka51pass" for v2.
#include "vrrpd/core/protocol/vrrp_packet.h"

#include <catch2/catch.hpp>
#include <vector>

#include "vrrpd/core/protocol/checksum.h"

using namespace vrrpd::protocol;
using common::net::IpAddress;

namespace {

const IpAddress kSender = *IpAddress::parse("10.77.0.11");
const IpAddress kGroup = *IpAddress::parse("224.0.0.18");
const IpAddress kPeer = *IpAddress::parse("10.77.0.12");
const IpAddress kVip = *IpAddress::parse("10.77.0.10");

// mcast-v2 (IP header + VRRP), as captured.
const std::vector<std::uint8_t> kMcastV2Packet = {0x45, 0xc0, 0x00, 0x28, 0x00, 0x02, 0x00, 0x00, 0xff, 0x70,
                                                  0xd0, 0x39, 0x0a, 0x4d, 0x00, 0x0b, 0xe0, 0x00, 0x00, 0x12,
                                                  0x21, 0x33, 0xc8, 0x01, 0x01, 0x01, 0x87, 0x0b, 0x0a, 0x4d,
                                                  0x00, 0x0a, 0x6b, 0x61, 0x35, 0x31, 0x70, 0x61, 0x73, 0x73};
// mcast-v3 VRRP message (after the IP header).
const std::vector<std::uint8_t> kMcastV3 = {0x31, 0x33, 0xc8, 0x01, 0x00, 0x64, 0x11, 0x29, 0x0a, 0x4d, 0x00, 0x0a};
// ucast-v3 VRRP message: same advert to 10.77.0.12; only the checksum differs.
const std::vector<std::uint8_t> kUcastV3 = {0x31, 0x33, 0xc8, 0x01, 0x00, 0x64, 0xe6, 0xe2, 0x0a, 0x4d, 0x00, 0x0a};
// mcast-v2 priority-0 advert sent on leaving MASTER.
const std::vector<std::uint8_t> kMcastV2Prio0 = {0x21, 0x33, 0x00, 0x01, 0x01, 0x01, 0x4f, 0x0c, 0x0a, 0x4d,
                                                 0x00, 0x0a, 0x6b, 0x61, 0x35, 0x31, 0x70, 0x61, 0x73, 0x73};

}  // namespace

TEST_CASE("keepalived's VRRPv2 multicast advert decodes, IP header included") {
  const auto ip = parse_ipv4(kMcastV2Packet);
  REQUIRE(ip);
  CHECK(ip->ttl == 255);
  CHECK(ip->protocol == 112);
  CHECK(ip->source == kSender);
  CHECK(ip->destination == kGroup);
  const auto d = decode(ip->payload, {ip->source, ip->destination});
  REQUIRE(d);
  CHECK(d->advert.version == 2);
  CHECK(d->advert.vrid == 51);
  CHECK(d->advert.priority == 200);
  CHECK(d->advert.interval_cs == 100);
  CHECK(d->advert.auth_type == AuthType::Pass);
  CHECK(d->advert.auth_text() == "ka51pass");
  REQUIRE(d->advert.addresses.size() == 1);
  CHECK(d->advert.addresses[0] == kVip);
  CHECK(d->checksum == 0x870b);
}

TEST_CASE("VRRPv2 adverts encode byte for byte like keepalived's") {
  Advert a;
  a.version = 2;
  a.vrid = 51;
  a.priority = 200;
  a.interval_cs = 100;
  a.auth_type = AuthType::Pass;
  a.auth_data = pass_auth_data("ka51pass");
  a.addresses = {kVip};
  const std::vector<std::uint8_t> expected(kMcastV2Packet.begin() + 20, kMcastV2Packet.end());
  // v2's checksum covers the message only: same bytes multicast or unicast.
  CHECK(encode(a, {kSender, kGroup}) == expected);
  CHECK(encode(a, {kSender, kPeer}) == expected);
  a.priority = 0;
  CHECK(encode(a, {kSender, kGroup}) == kMcastV2Prio0);
}

TEST_CASE("VRRPv3 adverts use the pseudo-header checksum (RFC 5798 5.2.8)") {
  Advert a;
  a.version = 3;
  a.vrid = 51;
  a.priority = 200;
  a.interval_cs = 100;
  a.addresses = {kVip};
  CHECK(encode(a, {kSender, kGroup}) == kMcastV3);
  CHECK(encode(a, {kSender, kPeer}) == kUcastV3);
  const auto d = decode(kUcastV3, {kSender, kPeer});
  REQUIRE(d);
  CHECK(d->advert.version == 3);
  CHECK(d->advert.interval_cs == 100);
  CHECK(d->checksum == 0xe6e2);
  // The same bytes are corrupt when checked against another destination.
  CHECK(decode(kUcastV3, {kSender, kGroup}).error() == DecodeError::BadChecksum);
}

TEST_CASE("VRRPv3 centisecond intervals use all 12 bits") {
  Advert a;
  a.vrid = 7;
  a.priority = 100;
  a.interval_cs = 4095;
  const auto bytes = encode(a, {kSender, kGroup});
  CHECK(decode(bytes, {kSender, kGroup})->advert.interval_cs == 4095);
  a.interval_cs = 10;
  CHECK(decode(encode(a, {kSender, kGroup}), {kSender, kGroup})->advert.interval_cs == 10);
}

TEST_CASE("VRRPv3 over IPv6 round-trips with its pseudo-header") {
  const auto src = *IpAddress::parse("fe80::77:ff:fe00:11");
  const auto dst = *IpAddress::parse("ff02::12");
  Advert a;
  a.vrid = 51;
  a.priority = 150;
  a.interval_cs = 10;
  a.addresses = {*IpAddress::parse("2001:db8::10"), *IpAddress::parse("fe80::10")};
  const auto bytes = encode(a, {src, dst});
  CHECK(bytes.size() == 8 + 32);
  const auto d = decode(bytes, {src, dst});
  REQUIRE(d);
  CHECK(d->advert.addresses == a.addresses);
  CHECK(pseudo_header_checksum(bytes, src, dst) == 0);
}

TEST_CASE("malformed adverts are rejected with the reason") {
  const PacketAddresses at{kSender, kGroup};
  CHECK(decode(std::vector<std::uint8_t>{0x31, 0x33}, at).error() == DecodeError::TooShort);
  auto v = kMcastV3;
  v[0] = 0x41;
  CHECK(decode(v, at).error() == DecodeError::BadVersion);
  v = kMcastV3;
  v[0] = 0x32;
  CHECK(decode(v, at).error() == DecodeError::BadType);
  v = kMcastV3;
  v[3] = 2;  // claims two addresses, carries one
  CHECK(decode(v, at).error() == DecodeError::TooShort);
  v = kMcastV3;
  v.push_back(0);
  CHECK(decode(v, at).error() == DecodeError::BadLength);
  v = kMcastV3;
  v[11] ^= 1;
  CHECK(decode(v, at).error() == DecodeError::BadChecksum);
  Advert zero;
  zero.interval_cs = 0;
  CHECK(decode(encode(zero, at), at).error() == DecodeError::BadInterval);
  CHECK(describe(DecodeError::BadChecksum) == "bad checksum");
}

TEST_CASE("IPv4 headers: options skipped, truncation rejected") {
  auto p = kMcastV2Packet;
  CHECK_FALSE(parse_ipv4(std::vector<std::uint8_t>(p.begin(), p.begin() + 19)));
  p[0] = 0x65;
  CHECK_FALSE(parse_ipv4(p));
  // A header with 4 bytes of options (IHL 6).
  std::vector<std::uint8_t> with_options(kMcastV2Packet.begin(), kMcastV2Packet.begin() + 20);
  with_options[0] = 0x46;
  with_options[3] = 44;
  with_options.insert(with_options.end(), {1, 1, 1, 0});
  with_options.insert(with_options.end(), kMcastV2Packet.begin() + 20, kMcastV2Packet.end());
  const auto ip = parse_ipv4(with_options);
  REQUIRE(ip);
  CHECK(ip->payload.size() == 20);
  CHECK(ip->payload[0] == 0x21);
}

TEST_CASE("PASS passwords are truncated to 8 bytes and NUL padded") {
  const auto a = pass_auth_data("s3cret");
  CHECK(a[5] == 't');
  CHECK(a[6] == 0);
  const auto b = pass_auth_data("longerthan8");
  CHECK(std::string(b.begin(), b.end()) == "longerth");
}
