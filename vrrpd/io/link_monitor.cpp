#include "vrrpd/io/link_monitor.h"

#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/rtnl.h>

#include "vrrpd/io/netlink_events.h"

namespace vrrpd::io {
namespace {

void parse_link(nl_object* object, void* arg) {
  auto* link = reinterpret_cast<rtnl_link*>(object);
  auto* callback = static_cast<LinkMonitor::Callback*>(arg);
  const unsigned flags = rtnl_link_get_flags(link);
  const char* name = rtnl_link_get_name(link);
  (*callback)(rtnl_link_get_ifindex(link), name ? name : "", (flags & IFF_UP) && (flags & IFF_RUNNING));
}

}  // namespace

LinkMonitor::LinkMonitor(common::io::EventLoop& loop, Callback on_change)
    : on_change_(std::move(on_change)), watcher_(loop, [this](int) { nl_recvmsgs_default(sock_.get()); }) {}

int LinkMonitor::on_message(nl_msg* msg, void* self) {
  nl_msg_parse(msg, parse_link, &static_cast<LinkMonitor*>(self)->on_change_);
  return NL_OK;
}

common::Result<std::unique_ptr<LinkMonitor>> LinkMonitor::open(common::io::EventLoop& loop, Callback on_change) {
  std::unique_ptr<LinkMonitor> m(new LinkMonitor(loop, std::move(on_change)));
  m->sock_.reset(nl_socket_alloc());
  if (!m->sock_) return common::fail("netlink: out of memory");
  auto* sock = m->sock_.get();
  if (auto ok = subscribe_route_events(sock, on_message, m.get(), {RTNLGRP_LINK}, "link events"); !ok) {
    return tl::unexpected(ok.error());
  }
  m->watcher_.start(nl_socket_get_fd(sock), EV_READ);
  return m;
}

}  // namespace vrrpd::io
