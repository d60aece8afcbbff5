// keepalived's virtual_routes and virtual_rules: routes and policy rules
// that follow mastership (added on entering MASTER, after the VIPs, so a
// route may use a VIP as its source; removed on leaving it, before them).
// Written as keepalived and ip(8) write them:
//   route = 10.50.0.0/16 via 10.0.0.254 [dev eth1] [src 10.0.0.10] [metric 7] [table 100]
//   route = blackhole 10.53.0.0/16
//   rule  = from 10.0.0.10/32 [to 10.60.0.0/16] table 100 [priority 100]
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/core/address.h"
#include "common/core/result.h"

namespace vrrpd::config {

// Routes and rules vrrpd adds carry keepalived's protocol number (`proto
// keepalived` in ip(8)), so they are told apart from others.
inline constexpr std::uint8_t kRouteProtocol = 18;
// A rule without priority gets keepalived's (with a warning, as keepalived).
inline constexpr std::uint32_t kDefaultRulePriority = 16384;

struct VirtualRoute {
  enum class Type { Unicast, Blackhole, Unreachable, Prohibit, Throw };
  Type type = Type::Unicast;
  common::net::Cidr destination;
  std::optional<common::net::IpAddress> gateway;  // via / gw
  std::string device;                             // dev
  std::optional<common::net::IpAddress> source;   // src
  std::optional<std::uint32_t> metric;            // metric / preference
  std::uint32_t table = 254;                      // main
  std::string scope;                              // empty: the kernel's choice
  bool onlink = false;
  std::string text;  // as configured, for the log
  int line = 0;
  friend bool operator==(const VirtualRoute&, const VirtualRoute&) = default;
};

struct VirtualRule {
  std::optional<common::net::Cidr> from;
  std::optional<common::net::Cidr> to;
  std::uint32_t table = 0;  // lookup TABLE
  std::optional<std::uint32_t> priority;
  std::optional<std::uint32_t> fwmark;
  std::string iif;
  std::string oif;
  std::string text;
  int line = 0;
  friend bool operator==(const VirtualRule&, const VirtualRule&) = default;
};

common::Result<VirtualRoute> parse_virtual_route(std::string_view value);
common::Result<VirtualRule> parse_virtual_rule(std::string_view value);

}  // namespace vrrpd::config
