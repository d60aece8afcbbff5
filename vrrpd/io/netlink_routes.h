// virtual_routes and virtual_rules in the kernel, through rtnetlink (libnl-3
// route), with keepalived's protocol number so `ip route show proto
// keepalived` lists them. Adding reports whether the entry was already
// there, so the caller only removes what it added itself.
#pragma once

#include "common/core/result.h"
#include "vrrpd/core/config/route_config.h"
#include "vrrpd/io/netlink_addresses.h"

namespace vrrpd::io {

class NetlinkRoutes {
 public:
  static common::Result<NetlinkRoutes> open();

  common::Result<AddOutcome> add(const config::VirtualRoute& route);
  common::Result<RemoveOutcome> remove(const config::VirtualRoute& route);
  common::Result<AddOutcome> add(const config::VirtualRule& rule, common::net::Family family);
  common::Result<RemoveOutcome> remove(const config::VirtualRule& rule, common::net::Family family);

 private:
  NlSockPtr sock_;
};

}  // namespace vrrpd::io
