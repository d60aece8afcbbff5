#include "vrrpd/io/announcer.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace vrrpd::io {

common::Result<Announcer> Announcer::open(int ifindex, const protocol::MacAddress& mac) {
  Announcer a;
  a.ifindex_ = ifindex;
  a.mac_ = mac;
  a.packet_fd_.reset(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));  // send-only: protocol 0
  if (!a.packet_fd_) return common::sys_fail(errno, "packet socket for gratuitous ARP (needs CAP_NET_RAW)");
  a.icmp6_fd_.reset(::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6));
  if (a.icmp6_fd_) {
    const int hops = 255;  // RFC 4861 7.1.2: NAs must arrive with hop limit 255
    ::setsockopt(a.icmp6_fd_.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    ::setsockopt(a.icmp6_fd_.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex);
  }
  return a;
}

common::Status Announcer::announce(const common::net::IpAddress& vip) {
  if (vip.is_v4()) {
    const auto frame = protocol::gratuitous_arp_frame(mac_, vip);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifindex_;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    if (::sendto(packet_fd_.get(), frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
      return common::sys_fail(errno, "send gratuitous ARP for {}", vip.to_string());
    }
    return {};
  }
  if (!icmp6_fd_) return common::fail("no ICMPv6 socket for neighbor advertisements");
  const auto message = protocol::unsolicited_neighbor_advert(mac_, vip);
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  ::inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
  to.sin6_scope_id = static_cast<std::uint32_t>(ifindex_);
  if (::sendto(icmp6_fd_.get(), message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
    return common::sys_fail(errno, "send neighbor advertisement for {}", vip.to_string());
  }
  return {};
}

}  // namespace vrrpd::io
