#include "vrrpd/io/address_monitor.h"

#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

#include "vrrpd/io/netlink_events.h"

namespace vrrpd::io {
namespace {

void parse_address(nl_object* object, void* arg) {
  auto* addr = reinterpret_cast<rtnl_addr*>(object);
  auto* callback = static_cast<AddressMonitor::Callback*>(arg);
  const nl_addr* local = rtnl_addr_get_local(addr);
  if (local == nullptr) return;
  const int family = nl_addr_get_family(local);
  const auto length = nl_addr_get_len(local);
  const auto* bytes = static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(local));
  std::optional<common::net::IpAddress> ip;
  if (family == AF_INET && length == 4) {
    std::array<std::uint8_t, 4> v4{};
    std::memcpy(v4.data(), bytes, v4.size());
    ip = common::net::IpAddress::v4(v4);
  } else if (family == AF_INET6 && length == 16) {
    std::array<std::uint8_t, 16> v6{};
    std::memcpy(v6.data(), bytes, v6.size());
    ip = common::net::IpAddress::v6(v6);
  }
  if (ip) (*callback)(rtnl_addr_get_ifindex(addr), *ip);
}

}  // namespace

AddressMonitor::AddressMonitor(common::io::EventLoop& loop, Callback on_removed)
    : on_removed_(std::move(on_removed)), watcher_(loop, [this](int) { nl_recvmsgs_default(sock_.get()); }) {}

int AddressMonitor::on_message(nl_msg* msg, void* self) {
  if (nlmsg_hdr(msg)->nlmsg_type != RTM_DELADDR) return NL_OK;
  nl_msg_parse(msg, parse_address, &static_cast<AddressMonitor*>(self)->on_removed_);
  return NL_OK;
}

common::Result<std::unique_ptr<AddressMonitor>> AddressMonitor::open(common::io::EventLoop& loop, Callback on_removed) {
  std::unique_ptr<AddressMonitor> m(new AddressMonitor(loop, std::move(on_removed)));
  m->sock_.reset(nl_socket_alloc());
  if (!m->sock_) return common::fail("netlink: out of memory");
  auto* sock = m->sock_.get();
  if (auto ok = subscribe_route_events(sock, on_message, m.get(), {RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR},
                                       "address events");
      !ok) {
    return tl::unexpected(ok.error());
  }
  m->watcher_.start(nl_socket_get_fd(sock), EV_READ);
  return m;
}

}  // namespace vrrpd::io
