#include "vrrpd/core/config/route_config.h"

#include <array>
#include <charconv>
#include <utility>
#include <vector>

#include "common/core/text.h"

namespace vrrpd::config {
namespace {

using common::fail;
using common::Result;

Result<std::uint32_t> number(std::string_view word, std::string_view what) {
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
  if (ec != std::errc() || end != word.data() + word.size()) return fail("{}: expected a number, got '{}'", what, word);
  return n;
}

// A table by number or by ip(8)'s reserved names.
Result<std::uint32_t> table(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, std::uint32_t>, 3> kNames{
      {{"main", 254}, {"local", 255}, {"default", 253}}};
  for (const auto& [name, id] : kNames) {
    if (word == name) return id;
  }
  return number(word, "table");
}

Result<common::net::IpAddress> address(std::string_view word, std::string_view what) {
  const auto ip = common::net::IpAddress::parse(word);
  if (!ip) return fail("{}: '{}' is not an IP address", what, word);
  return *ip;
}

Result<common::net::Cidr> prefix(std::string_view word) {
  if (word == "default") return common::net::Cidr{*common::net::IpAddress::parse("0.0.0.0"), 0};
  const auto cidr = common::net::Cidr::parse(word);
  if (!cidr) return fail("'{}' is not an address or prefix (host bits must be zero)", word);
  return *cidr;
}

std::optional<VirtualRoute::Type> route_type(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, VirtualRoute::Type>, 4> kTypes{
      {{"blackhole", VirtualRoute::Type::Blackhole},
       {"unreachable", VirtualRoute::Type::Unreachable},
       {"prohibit", VirtualRoute::Type::Prohibit},
       {"throw", VirtualRoute::Type::Throw}}};
  for (const auto& [name, type] : kTypes) {
    if (word == name) return type;
  }
  return std::nullopt;
}

// One `KEYWORD VALUE` of a route; false when <key> is not one.
Result<bool> route_option(VirtualRoute& r, std::string_view key, std::string_view value) {
  if (key == "via" || key == "gw") {
    auto ip = address(value, "via");
    if (!ip) return tl::unexpected(ip.error());
    r.gateway = *ip;
  } else if (key == "src") {
    auto ip = address(value, "src");
    if (!ip) return tl::unexpected(ip.error());
    r.source = *ip;
  } else if (key == "dev" || key == "oif") {
    r.device = std::string(value);
  } else if (key == "metric" || key == "preference" || key == "priority") {
    auto n = number(value, key);
    if (!n) return tl::unexpected(n.error());
    r.metric = *n;
  } else if (key == "table") {
    auto n = table(value);
    if (!n) return tl::unexpected(n.error());
    r.table = *n;
  } else if (key == "scope") {
    if (value != "global" && value != "site" && value != "link" && value != "host") {
      return fail("scope: expected global, site, link or host, got '{}'", value);
    }
    r.scope = std::string(value);
  } else {
    return false;
  }
  return true;
}

}  // namespace

Result<VirtualRoute> parse_virtual_route(std::string_view value) {
  const auto words = common::text::split_words(value);
  VirtualRoute r;
  r.text = std::string(common::text::trim(value));
  bool have_destination = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto w = words[i];
    if (w == "onlink") {
      r.onlink = true;
    } else if (w == "no_track") {
      // keepalived's: do not watch the route; vrrpd watches none.
    } else if (const auto type = route_type(w); type && !have_destination) {
      r.type = *type;
    } else if (i + 1 < words.size() &&
               (w == "via" || w == "gw" || w == "src" || w == "dev" || w == "oif" || w == "metric" ||
                w == "preference" || w == "priority" || w == "table" || w == "scope")) {
      auto ok = route_option(r, w, words[++i]);
      if (!ok) return tl::unexpected(ok.error());
    } else if (!have_destination) {
      auto destination = prefix(w);
      if (!destination) return tl::unexpected(destination.error());
      r.destination = *destination;
      have_destination = true;
    } else {
      return fail("unknown route option '{}' (expected via, dev, src, metric, table, scope, onlink)", w);
    }
  }
  if (!have_destination) return fail("expected [TYPE] DESTINATION[/PREFIX] [via GATEWAY] [dev IFACE] …");
  const auto family = r.destination.network.family();
  for (const auto& ip : {r.gateway, r.source}) {
    if (ip && ip->family() != family) return fail("route {}: mixes IPv4 and IPv6", r.text);
  }
  if (r.type == VirtualRoute::Type::Unicast && !r.gateway && r.device.empty()) {
    return fail("route {}: needs via GATEWAY or dev IFACE", r.text);
  }
  if (r.type != VirtualRoute::Type::Unicast && (r.gateway || !r.device.empty())) {
    return fail("route {}: a {} route has no gateway or device", r.text, words[0]);
  }
  return r;
}

Result<VirtualRule> parse_virtual_rule(std::string_view value) {
  const auto words = common::text::split_words(value);
  VirtualRule r;
  r.text = std::string(common::text::trim(value));
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const auto key = words[i];
    if (key == "no_track" || key == "inet6") {  // vrrpd watches no rules; the family follows the addresses
      --i;
      continue;
    }
    if (i + 1 >= words.size()) return fail("rule option '{}' needs a value", key);
    const auto v = words[i + 1];
    if (key == "from" || key == "to") {
      auto p = v == "all" ? Result<common::net::Cidr>(common::net::Cidr{*common::net::IpAddress::parse("0.0.0.0"), 0})
                          : prefix(v);
      if (!p) return tl::unexpected(p.error());
      (key == "from" ? r.from : r.to) = *p;
    } else if (key == "table" || key == "lookup") {
      auto t = table(v);
      if (!t) return tl::unexpected(t.error());
      r.table = *t;
    } else if (key == "priority" || key == "preference" || key == "pref" || key == "fwmark") {
      auto n = number(v, key);
      if (!n) return tl::unexpected(n.error());
      (key == "fwmark" ? r.fwmark : r.priority) = *n;
    } else if (key == "iif" || key == "oif") {
      (key == "iif" ? r.iif : r.oif) = std::string(v);
    } else {
      return fail("unknown rule option '{}' (expected from, to, table, priority, fwmark, iif, oif)", key);
    }
  }
  if (r.table == 0) return fail("rule {}: expected table N (the rule's lookup)", r.text);
  if (r.from && r.to && r.from->network.family() != r.to->network.family()) {
    return fail("rule {}: mixes IPv4 and IPv6", r.text);
  }
  return r;
}

}  // namespace vrrpd::config
