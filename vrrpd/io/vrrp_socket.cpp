#include "vrrpd/io/vrrp_socket.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/io/socket_address.h"
#include "vrrpd/core/protocol/checksum.h"
#include "vrrpd/core/protocol/vrrp_packet.h"

namespace vrrpd::io {
namespace {

using common::net::Family;
using common::net::IpAddress;

constexpr int kTtl = 255;
constexpr int kTosInternetControl = 0xc0;  // IPTOS_PREC_INTERNETCONTROL, as keepalived sends

common::Status setopt(int fd, int level, int name, const void* value, socklen_t size, const char* what) {
  if (::setsockopt(fd, level, name, value, size) != 0) return common::sys_fail(errno, "setsockopt {}", what);
  return {};
}

template <class T>
common::Status setopt(int fd, int level, int name, const T& value, const char* what) {
  return setopt(fd, level, name, &value, sizeof value, what);
}

common::Status bind_device(int fd, const std::string& interface) {
  return setopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(), static_cast<socklen_t>(interface.size() + 1),
                "SO_BINDTODEVICE");
}

IpAddress from_in6(const in6_addr& a) {
  return IpAddress::v6(std::span<const std::uint8_t, 16>(reinterpret_cast<const std::uint8_t*>(&a), 16));
}

}  // namespace

common::Result<VrrpReceiveSocket> VrrpReceiveSocket::open(const std::string& interface, int ifindex, Family family,
                                                          bool join_group) {
  VrrpReceiveSocket s;
  s.family_ = family;
  const int domain = family == Family::V4 ? AF_INET : AF_INET6;
  s.fd_.reset(::socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol::kVrrpProtocol));
  if (!s.fd_) return common::sys_fail(errno, "raw socket for protocol 112 (needs CAP_NET_RAW)");
  const int fd = s.fd_.get();
  if (auto r = bind_device(fd, interface); !r) return tl::unexpected(r.error());
  const int rcvbuf = 1 << 20;
  (void)setopt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "SO_RCVBUF");
  if (family == Family::V4) {
    if (join_group) {
      ip_mreqn mreq{};
      ::inet_pton(AF_INET, kVrrpGroupV4, &mreq.imr_multiaddr);
      mreq.imr_ifindex = ifindex;
      if (auto r = setopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq, "IP_ADD_MEMBERSHIP"); !r)
        return tl::unexpected(r.error());
    }
  } else {
    const int on = 1;
    if (auto r = setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, on, "IPV6_RECVHOPLIMIT"); !r)
      return tl::unexpected(r.error());
    if (auto r = setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, on, "IPV6_RECVPKTINFO"); !r)
      return tl::unexpected(r.error());
    if (join_group) {
      ipv6_mreq mreq{};
      ::inet_pton(AF_INET6, kVrrpGroupV6, &mreq.ipv6mr_multiaddr);
      mreq.ipv6mr_interface = static_cast<unsigned>(ifindex);
      if (auto r = setopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq, "IPV6_ADD_MEMBERSHIP"); !r)
        return tl::unexpected(r.error());
    }
  }
  return s;
}

common::Result<std::optional<ReceivedPacket>> VrrpReceiveSocket::receive() {
  std::uint8_t buf[2048];
  sockaddr_storage from{};
  iovec iov{buf, sizeof buf};
  alignas(cmsghdr) std::uint8_t control[256];
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = ::recvmsg(fd_.get(), &msg, 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return std::optional<ReceivedPacket>();
    return common::sys_fail(errno, "recvmsg");
  }
  const std::span<const std::uint8_t> bytes(buf, static_cast<std::size_t>(n));
  ReceivedPacket p;
  if (family_ == Family::V4) {
    const auto ip = protocol::parse_ipv4(bytes);
    if (!ip || ip->protocol != protocol::kVrrpProtocol) return std::optional<ReceivedPacket>();
    p.source = ip->source;
    p.destination = ip->destination;
    p.ttl = ip->ttl;
    p.payload.assign(ip->payload.begin(), ip->payload.end());
    return std::optional(std::move(p));
  }
  p.source = from_in6(reinterpret_cast<const sockaddr_in6*>(&from)->sin6_addr);
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != IPPROTO_IPV6) continue;
    if (c->cmsg_type == IPV6_HOPLIMIT) {
      int hops = 0;
      std::memcpy(&hops, CMSG_DATA(c), sizeof hops);
      p.ttl = static_cast<std::uint8_t>(hops);
    } else if (c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info{};
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      p.destination = from_in6(info.ipi6_addr);
    }
  }
  p.payload.assign(bytes.begin(), bytes.end());
  return std::optional(std::move(p));
}

common::Result<VrrpSendSocket> VrrpSendSocket::open(const std::string& interface, int ifindex,
                                                    const IpAddress& source) {
  VrrpSendSocket s;
  s.ifindex_ = ifindex;
  const bool v4 = source.is_v4();
  s.fd_.reset(::socket(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol::kVrrpProtocol));
  if (!s.fd_) return common::sys_fail(errno, "raw socket for protocol 112 (needs CAP_NET_RAW)");
  const int fd = s.fd_.get();
  if (auto r = bind_device(fd, interface); !r) return tl::unexpected(r.error());
  // Nothing is received on this socket.
  const int zero = 0;
  (void)setopt(fd, SOL_SOCKET, SO_RCVBUF, zero, "SO_RCVBUF");
  auto bound = common::io::to_socket_address({source, 0});
  if (v4) {
    const unsigned char loop = 0;
    const int tos = kTosInternetControl;
    ip_mreqn mif{};
    mif.imr_ifindex = ifindex;
    for (auto r : {setopt(fd, IPPROTO_IP, IP_TTL, kTtl, "IP_TTL"),
                   setopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, kTtl, "IP_MULTICAST_TTL"),
                   setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, loop, "IP_MULTICAST_LOOP"),
                   setopt(fd, IPPROTO_IP, IP_TOS, tos, "IP_TOS"),
                   setopt(fd, IPPROTO_IP, IP_MULTICAST_IF, mif, "IP_MULTICAST_IF")}) {
      if (!r) return tl::unexpected(r.error());
    }
  } else {
    const int loop = 0;
    const int hops = kTtl;
    for (auto r : {setopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops, "IPV6_UNICAST_HOPS"),
                   setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops, "IPV6_MULTICAST_HOPS"),
                   setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, loop, "IPV6_MULTICAST_LOOP"),
                   setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex, "IPV6_MULTICAST_IF")}) {
      if (!r) return tl::unexpected(r.error());
    }
    reinterpret_cast<sockaddr_in6*>(&bound.storage)->sin6_scope_id = static_cast<std::uint32_t>(ifindex);
  }
  // Binding a raw socket fixes the source address (IP_FREEBIND: the address
  // may be tentative or not yet assigned at start; we fail at send instead).
  const int on = 1;
  (void)setopt(fd, v4 ? IPPROTO_IP : IPPROTO_IPV6, v4 ? IP_FREEBIND : IPV6_FREEBIND, on, "FREEBIND");
  if (::bind(fd, bound.get(), bound.length) != 0) {
    return common::sys_fail(errno, "bind raw socket to {}", source.to_string());
  }
  return s;
}

common::Status VrrpSendSocket::send(const IpAddress& destination, std::span<const std::uint8_t> message) {
  auto to = common::io::to_socket_address({destination, 0});
  if (!destination.is_v4())
    reinterpret_cast<sockaddr_in6*>(&to.storage)->sin6_scope_id = static_cast<std::uint32_t>(ifindex_);
  const ssize_t n = ::sendto(fd_.get(), message.data(), message.size(), 0, to.get(), to.length);
  if (n < 0) return common::sys_fail(errno, "send advert to {}", destination.to_string());
  return {};
}

}  // namespace vrrpd::io
