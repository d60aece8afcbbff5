// An instance's virtual_routes and virtual_rules while it is MASTER: set
// after the VIPs (routes, then rules), cleared before them (rules, then
// routes), logged in keepalived's words ("(VI_1) setting Virtual Routes").
// Only entries vrrpd added are removed; a failure is logged and the rest
// still goes in (as keepalived: a route is no reason to give up mastership).
#pragma once

#include <string>
#include <vector>

#include "common/core/log/logger.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/io/netlink_routes.h"

namespace vrrpd::io {

class RouteSet {
 public:
  RouteSet(common::log::Logger& logger, NetlinkRoutes& netlink, const config::Instance& instance);

  void set();
  void clear();
  // At start: entries left by an earlier run (a crash) go.
  void clear_stale();

 private:
  common::log::Logger& logger_;
  NetlinkRoutes& netlink_;
  std::string name_;
  common::net::Family family_;
  std::vector<config::VirtualRoute> routes_;
  std::vector<config::VirtualRule> rules_;
  std::vector<bool> route_added_;
  std::vector<bool> rule_added_;
};

}  // namespace vrrpd::io
