#include "vrrpd/core/protocol/announcement.h"

namespace vrrpd::protocol {
namespace {

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
}

void put(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

constexpr MacAddress kBroadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

}  // namespace

std::vector<std::uint8_t> gratuitous_arp_frame(const MacAddress& source_mac, const common::net::IpAddress& vip) {
  std::vector<std::uint8_t> f;
  f.reserve(42);
  put(f, kBroadcast);   // Ethernet destination
  put(f, source_mac);   // Ethernet source
  put16(f, 0x0806);     // ARP
  put16(f, 1);          // hardware type: Ethernet
  put16(f, 0x0800);     // protocol type: IPv4
  f.push_back(6);       // hardware size
  f.push_back(4);       // protocol size
  put16(f, 1);          // request
  put(f, source_mac);   // sender hardware address
  put(f, vip.bytes());  // sender protocol address
  put(f, kBroadcast);   // target hardware address
  put(f, vip.bytes());  // target protocol address
  return f;
}

std::vector<std::uint8_t> unsolicited_neighbor_advert(const MacAddress& source_mac, const common::net::IpAddress& vip) {
  std::vector<std::uint8_t> m;
  m.reserve(32);
  m.push_back(136);   // Neighbor Advertisement
  m.push_back(0);     // code
  put16(m, 0);        // checksum (kernel)
  m.push_back(0x20);  // flags: Override (not Router, not Solicited)
  m.push_back(0);
  put16(m, 0);
  put(m, vip.bytes());  // target address
  m.push_back(2);       // option: target link-layer address
  m.push_back(1);       // length in units of 8 bytes
  put(m, source_mac);
  return m;
}

}  // namespace vrrpd::protocol
