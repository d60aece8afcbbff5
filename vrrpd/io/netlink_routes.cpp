#include "vrrpd/io/netlink_routes.h"

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <sys/socket.h>

#include <memory>

namespace vrrpd::io {
namespace {

struct RouteFree {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct RuleFree {
  void operator()(rtnl_rule* r) const { rtnl_rule_put(r); }
};
struct NlAddrFree {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
using AddrPtr = std::unique_ptr<nl_addr, NlAddrFree>;

int family_of(const common::net::IpAddress& ip) {
  return ip.is_v4() ? AF_INET : AF_INET6;
}

AddrPtr to_nl(const common::net::IpAddress& ip, std::uint8_t prefix_length) {
  const auto bytes = ip.bytes();
  AddrPtr a(nl_addr_build(family_of(ip), bytes.data(), bytes.size()));
  nl_addr_set_prefixlen(a.get(), prefix_length);
  return a;
}

std::uint8_t route_type(config::VirtualRoute::Type type) {
  switch (type) {
    case config::VirtualRoute::Type::Unicast:
      return RTN_UNICAST;
    case config::VirtualRoute::Type::Blackhole:
      return RTN_BLACKHOLE;
    case config::VirtualRoute::Type::Unreachable:
      return RTN_UNREACHABLE;
    case config::VirtualRoute::Type::Prohibit:
      return RTN_PROHIBIT;
    case config::VirtualRoute::Type::Throw:
      return RTN_THROW;
  }
  return RTN_UNICAST;
}

common::Result<std::unique_ptr<rtnl_route, RouteFree>> build(const config::VirtualRoute& r) {
  std::unique_ptr<rtnl_route, RouteFree> route(rtnl_route_alloc());
  const auto& dst = r.destination;
  rtnl_route_set_family(route.get(), static_cast<std::uint8_t>(family_of(dst.network)));
  const auto destination = to_nl(dst.network, dst.prefix_length);
  rtnl_route_set_dst(route.get(), destination.get());
  rtnl_route_set_table(route.get(), r.table);
  rtnl_route_set_protocol(route.get(), config::kRouteProtocol);
  rtnl_route_set_type(route.get(), route_type(r.type));
  if (!r.scope.empty()) {
    rtnl_route_set_scope(route.get(), static_cast<std::uint8_t>(rtnl_str2scope(r.scope.c_str())));
  } else if (r.type != config::VirtualRoute::Type::Unicast) {
    rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);  // as ip(8) makes them (libnl would guess link)
  }
  if (r.metric) rtnl_route_set_priority(route.get(), *r.metric);
  if (r.source) rtnl_route_set_pref_src(route.get(), to_nl(*r.source, r.source->is_v4() ? 32 : 128).get());
  if (r.type != config::VirtualRoute::Type::Unicast) return route;
  auto* hop = rtnl_route_nh_alloc();
  if (r.gateway) rtnl_route_nh_set_gateway(hop, to_nl(*r.gateway, r.gateway->is_v4() ? 32 : 128).get());
  if (!r.device.empty()) {
    const auto index = ::if_nametoindex(r.device.c_str());
    if (index == 0) {
      rtnl_route_nh_free(hop);
      return common::fail("no interface {}", r.device);
    }
    rtnl_route_nh_set_ifindex(hop, static_cast<int>(index));
  }
  if (r.onlink) rtnl_route_nh_set_flags(hop, RTNH_F_ONLINK);
  rtnl_route_add_nexthop(route.get(), hop);
  return route;
}

std::unique_ptr<rtnl_rule, RuleFree> build(const config::VirtualRule& r, common::net::Family family) {
  std::unique_ptr<rtnl_rule, RuleFree> rule(rtnl_rule_alloc());
  const auto from = r.from ? r.from : r.to;
  const int af = from ? family_of(from->network) : family == common::net::Family::V4 ? AF_INET : AF_INET6;
  rtnl_rule_set_family(rule.get(), af);
  if (r.from) rtnl_rule_set_src(rule.get(), to_nl(r.from->network, r.from->prefix_length).get());
  if (r.to) rtnl_rule_set_dst(rule.get(), to_nl(r.to->network, r.to->prefix_length).get());
  rtnl_rule_set_table(rule.get(), r.table);
  rtnl_rule_set_action(rule.get(), FR_ACT_TO_TBL);
  rtnl_rule_set_prio(rule.get(), r.priority.value_or(config::kDefaultRulePriority));
  if (r.fwmark) rtnl_rule_set_mark(rule.get(), *r.fwmark);
  if (!r.iif.empty()) rtnl_rule_set_iif(rule.get(), r.iif.c_str());
  if (!r.oif.empty()) rtnl_rule_set_oif(rule.get(), r.oif.c_str());
  rtnl_rule_set_protocol(rule.get(), config::kRouteProtocol);
  return rule;
}

bool absent(int err) {
  return err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV;
}

}  // namespace

common::Result<NetlinkRoutes> NetlinkRoutes::open() {
  NetlinkRoutes n;
  n.sock_.reset(nl_socket_alloc());
  if (!n.sock_) return common::fail("netlink: out of memory");
  if (const int err = nl_connect(n.sock_.get(), NETLINK_ROUTE); err < 0) {
    return common::fail("netlink connect: {}", nl_geterror(err));
  }
  return n;
}

common::Result<AddOutcome> NetlinkRoutes::add(const config::VirtualRoute& r) {
  auto route = build(r);
  if (!route) return common::fail("route {}: {}", r.text, route.error().describe());
  const int err = rtnl_route_add(sock_.get(), route->get(), NLM_F_EXCL);
  if (err == -NLE_EXIST) return AddOutcome::AlreadyPresent;
  if (err < 0) return common::fail("route {}: {}", r.text, nl_geterror(err));
  return AddOutcome::Added;
}

common::Result<RemoveOutcome> NetlinkRoutes::remove(const config::VirtualRoute& r) {
  auto route = build(r);
  if (!route) return RemoveOutcome::NotPresent;  // its device is gone, and with it the route
  const int err = rtnl_route_delete(sock_.get(), route->get(), 0);
  if (absent(err)) return RemoveOutcome::NotPresent;
  if (err < 0) return common::fail("route {}: {}", r.text, nl_geterror(err));
  return RemoveOutcome::Removed;
}

common::Result<AddOutcome> NetlinkRoutes::add(const config::VirtualRule& r, common::net::Family family) {
  const auto rule = build(r, family);
  const int err = rtnl_rule_add(sock_.get(), rule.get(), NLM_F_EXCL);
  if (err == -NLE_EXIST) return AddOutcome::AlreadyPresent;
  if (err < 0) return common::fail("rule {}: {}", r.text, nl_geterror(err));
  return AddOutcome::Added;
}

common::Result<RemoveOutcome> NetlinkRoutes::remove(const config::VirtualRule& r, common::net::Family family) {
  const auto rule = build(r, family);
  const int err = rtnl_rule_delete(sock_.get(), rule.get(), 0);
  if (absent(err)) return RemoveOutcome::NotPresent;
  if (err < 0) return common::fail("rule {}: {}", r.text, nl_geterror(err));
  return RemoveOutcome::Removed;
}

}  // namespace vrrpd::io
