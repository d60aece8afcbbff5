// keepalived's virtual_routes and virtual_rules lines, as ip(8) writes them.
#include "vrrpd/core/config/route_config.h"

#include <catch2/catch.hpp>

using namespace vrrpd::config;

namespace {

std::string error_of(common::Result<VirtualRoute> r) {
  return r ? std::string("(accepted)") : r.error().message;
}

}  // namespace

TEST_CASE("virtual routes: destination, via, dev, src anywhere, metric, table, types") {
  const auto r = parse_virtual_route("src 10.0.0.10 10.52.0.0/16 via 10.0.0.254 dev eth1 metric 7 table 100");
  REQUIRE(r);
  CHECK(r->destination.to_string() == "10.52.0.0/16");
  CHECK(r->gateway->to_string() == "10.0.0.254");
  CHECK(r->source->to_string() == "10.0.0.10");
  CHECK(r->device == "eth1");
  CHECK(r->metric == 7u);
  CHECK(r->table == 100u);
  CHECK(r->type == VirtualRoute::Type::Unicast);
  const auto hole = parse_virtual_route("blackhole 10.53.0.0/16 table main");
  REQUIRE(hole);
  CHECK(hole->type == VirtualRoute::Type::Blackhole);
  CHECK(hole->table == 254u);
  const auto def = parse_virtual_route("default via 10.0.0.1 no_track");
  REQUIRE(def);
  CHECK(def->destination.prefix_length == 0);
  CHECK(error_of(parse_virtual_route("10.50.0.0/16")).find("needs via GATEWAY or dev IFACE") != std::string::npos);
  CHECK(error_of(parse_virtual_route("10.50.0.0/16 via 10.0.0.1 mtu 1400")).find("unknown route option 'mtu'") !=
        std::string::npos);
  CHECK(error_of(parse_virtual_route("10.50.0.1/16 via 10.0.0.1")).find("host bits must be zero") != std::string::npos);
  CHECK(error_of(parse_virtual_route("blackhole 10.50.0.0/16 via 10.0.0.1")).find("has no gateway") !=
        std::string::npos);
  CHECK(error_of(parse_virtual_route("fd00::/64 via 10.0.0.1")).find("mixes IPv4 and IPv6") != std::string::npos);
  CHECK(error_of(parse_virtual_route("10.50.0.0/16 via 10.0.0.1 table x")).find("table: expected a number") !=
        std::string::npos);
}

TEST_CASE("virtual rules: from, to, table, priority, fwmark, interfaces") {
  const auto r = parse_virtual_rule("from 10.0.0.10/32 to 10.60.0.0/16 lookup 100 pref 200 fwmark 3 iif eth1");
  REQUIRE(r);
  CHECK(r->from->to_string() == "10.0.0.10/32");
  CHECK(r->to->to_string() == "10.60.0.0/16");
  CHECK(r->table == 100u);
  CHECK(r->priority == 200u);
  CHECK(r->fwmark == 3u);
  CHECK(r->iif == "eth1");
  const auto no_prio = parse_virtual_rule("to 10.60.0.0/16 table 100");
  REQUIRE(no_prio);
  CHECK_FALSE(no_prio->priority);
  CHECK_FALSE(parse_virtual_rule("from 10.0.0.10/32"));  // no table
  CHECK_FALSE(parse_virtual_rule("from 10.0.0.10/32 table 100 goto 5"));
  CHECK_FALSE(parse_virtual_rule("from 10.0.0.10/32 to fd00::/8 table 100"));
}
