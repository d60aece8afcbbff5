#include "vrrpd/io/frame_tap.h"

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "vrrpd/core/protocol/checksum.h"
#include "vrrpd/core/protocol/vrrp_packet.h"

namespace vrrpd::io {
namespace {

constexpr std::size_t kKeep = 64;

// Accept a frame when its IP protocol (IPv4 byte 9) or next header (IPv6
// byte 6) is 112. SOCK_DGRAM: offset 0 is the network header.
std::vector<sock_filter> vrrp_filter(common::net::Family family) {
  const std::uint32_t offset = family == common::net::Family::V4 ? 9 : 6;
  return {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, offset),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, protocol::kVrrpProtocol, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
}

// The source address and payload of an IPv6 packet without extension headers.
std::optional<std::pair<common::net::IpAddress, std::span<const std::uint8_t>>> parse_ipv6(
    std::span<const std::uint8_t> packet) {
  if (packet.size() < 40 || packet[0] >> 4 != 6 || packet[6] != protocol::kVrrpProtocol) return std::nullopt;
  const std::size_t length = static_cast<std::size_t>(packet[4] << 8 | packet[5]);
  if (packet.size() < 40 + length) return std::nullopt;
  return std::pair{common::net::IpAddress::v6(std::span<const std::uint8_t, 16>(packet.data() + 8, 16)),
                   packet.subspan(40, length)};
}

}  // namespace

common::Result<FrameTap> FrameTap::open(int ifindex, common::net::Family family) {
  const auto protocol = htons(family == common::net::Family::V4 ? ETH_P_IP : ETH_P_IPV6);
  FrameTap tap;
  tap.family_ = family;
  tap.fd_.reset(::socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol));
  if (!tap.fd_) return common::sys_fail(errno, "packet socket");
  auto filter = vrrp_filter(family);
  const sock_fprog program{static_cast<unsigned short>(filter.size()), filter.data()};
  if (::setsockopt(tap.fd_.get(), SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
    return common::sys_fail(errno, "SO_ATTACH_FILTER");
  }
  sockaddr_ll bind_to{};
  bind_to.sll_family = AF_PACKET;
  bind_to.sll_protocol = protocol;
  bind_to.sll_ifindex = ifindex;
  if (::bind(tap.fd_.get(), reinterpret_cast<const sockaddr*>(&bind_to), sizeof bind_to) != 0) {
    return common::sys_fail(errno, "bind packet socket");
  }
  return tap;
}

void FrameTap::drain() {
  std::uint8_t buf[2048];
  for (int i = 0; i < 256; ++i) {
    sockaddr_ll from{};
    socklen_t length = sizeof from;
    const ssize_t n = ::recvfrom(fd_.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &length);
    if (n < 0) return;  // EAGAIN: drained
    if (from.sll_pkttype == PACKET_OUTGOING || from.sll_halen != 6) continue;
    const std::span<const std::uint8_t> bytes(buf, static_cast<std::size_t>(n));
    Frame frame;
    std::copy_n(from.sll_addr, 6, frame.mac.begin());
    if (family_ == common::net::Family::V4) {
      const auto ip = protocol::parse_ipv4(bytes);
      if (!ip) continue;
      frame.source = ip->source;
      frame.payload.assign(ip->payload.begin(), ip->payload.end());
    } else {
      const auto ip = parse_ipv6(bytes);
      if (!ip) continue;
      frame.source = ip->first;
      frame.payload.assign(ip->second.begin(), ip->second.end());
    }
    frames_.push_back(std::move(frame));
    if (frames_.size() > kKeep) frames_.pop_front();
  }
}

std::optional<protocol::MacAddress> FrameTap::mac_of(const ReceivedPacket& packet) {
  drain();
  const auto it = std::find_if(frames_.begin(), frames_.end(), [&](const Frame& f) {
    return f.source == packet.source && f.payload == packet.payload;
  });
  if (it == frames_.end()) return std::nullopt;
  const auto mac = it->mac;
  frames_.erase(frames_.begin(), it + 1);
  return mac;
}

std::optional<protocol::MacAddress> neighbour_mac(int ifindex, const common::net::IpAddress& address) {
  std::unique_ptr<nl_sock, void (*)(nl_sock*)> sock(nl_socket_alloc(), nl_socket_free);
  if (!sock || nl_connect(sock.get(), NETLINK_ROUTE) < 0) return std::nullopt;
  nl_cache* raw = nullptr;
  if (rtnl_neigh_alloc_cache(sock.get(), &raw) < 0) return std::nullopt;
  std::unique_ptr<nl_cache, void (*)(nl_cache*)> cache(raw, nl_cache_free);
  const auto bytes = address.bytes();
  std::unique_ptr<nl_addr, void (*)(nl_addr*)> wanted(
      nl_addr_build(address.is_v4() ? AF_INET : AF_INET6, bytes.data(), bytes.size()), nl_addr_put);
  std::unique_ptr<rtnl_neigh, void (*)(rtnl_neigh*)> entry(rtnl_neigh_get(cache.get(), ifindex, wanted.get()),
                                                           rtnl_neigh_put);
  if (!entry) return std::nullopt;
  const int usable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
  if ((rtnl_neigh_get_state(entry.get()) & usable) == 0) return std::nullopt;
  const nl_addr* lladdr = rtnl_neigh_get_lladdr(entry.get());
  if (lladdr == nullptr || nl_addr_get_len(lladdr) != 6) return std::nullopt;
  protocol::MacAddress mac{};
  std::memcpy(mac.data(), nl_addr_get_binary_addr(lladdr), 6);
  return mac;
}

}  // namespace vrrpd::io
