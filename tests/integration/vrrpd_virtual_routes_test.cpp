// virtual_routes and virtual_rules beside the real Keepalived: one
// keepalived.conf, run by vrrpd on lb1 and Keepalived on lb2, then the other
// way round. The master's routes and rules (`proto keepalived`) must be the
// same whichever daemon put them there; the backup has none; they move with
// mastership, and a stopped vrrpd leaves none behind.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <thread>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;

namespace {

std::string conf() {
  return fmt::format(R"(global_defs {{
   router_id ${{_INSTANCE}}
}}
vrrp_instance VI_1 {{
   state BACKUP
   interface eth1
   virtual_router_id 51
   @lb1 priority 150
   @lb2 priority 100
   advert_int 1
   virtual_ipaddress {{
      {0}/24
   }}
   virtual_routes {{
      10.50.0.0/16 via 10.77.0.1
      10.51.0.0/16 via 10.77.0.1 dev eth1 metric 7 table 100
      src {0} 10.52.0.0/16 via 10.77.0.1
      blackhole 10.53.0.0/16
   }}
   virtual_rules {{
      from {0}/32 table 100 priority 100
      to 10.60.0.0/16 table 100 priority 200
   }}
}}
)",
                     VrrpLab::kVip);
}

// The routes and rules vrrpd or Keepalived own on <node>.
std::string owned(VrrpLab& lab, const std::string& node) {
  const auto out = lab.dir().file(node + ".routes");
  testing::run({"sh", "-c",
                fmt::format("ip -n {0} route show table all proto keepalived > {1}; ip -n {0} rule show | grep "
                            "'proto keepalived' >> {1}",
                            lab.lab().ns(node), out)});
  std::ifstream in(out);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string run(bool vrrpd_on_lb1) {
  INFO((vrrpd_on_lb1 ? "vrrpd on lb1, Keepalived on lb2" : "Keepalived on lb1, vrrpd on lb2"));
  VrrpLab lab;
  const auto path = lab.dir().write("keepalived.conf", conf());
  lab.start_on_keepalived_conf("lb1", !vrrpd_on_lb1, path);
  lab.start_on_keepalived_conf("lb2", vrrpd_on_lb1, path);
  INFO("vrrpd's log:\n" << lab.daemon(vrrpd_on_lb1 ? "lb1" : "lb2").log());
  REQUIRE(lab.wait_sole_master("lb1", 20s));
  REQUIRE(testing::eventually([&] { return owned(lab, "lb1").find("10.60.0.0/16") != std::string::npos; }, 5s));
  const auto master = owned(lab, "lb1");
  CHECK(owned(lab, "lb2").empty());
  // lb1 stops: the routes and rules move to lb2, and leave lb1.
  lab.kill("lb1", SIGTERM);
  REQUIRE(lab.wait_sole_master("lb2", 20s));
  const bool moved = testing::eventually([&] { return owned(lab, "lb2") == master; }, 5s);
  INFO("lb1's as master:\n" << master << "lb2's after the failover:\n" << owned(lab, "lb2"));
  CHECK(moved);
  CHECK(testing::eventually([&] { return owned(lab, "lb1").empty(); }, 10s));
  return master;
}

}  // namespace

TEST_CASE("virtual_routes and virtual_rules: the master's are Keepalived's, and they follow mastership",
          "[vrrpd][keepalived][netns]") {
  if (::geteuid() != 0) {
    WARN("needs root (network namespaces)");
    return;
  }
  const auto keepalived = run(false);
  const auto vrrpd = run(true);
  INFO("Keepalived's:\n" << keepalived << "vrrpd's:\n" << vrrpd);
  CHECK(vrrpd == keepalived);
  CHECK(vrrpd.find("blackhole 10.53.0.0/16") != std::string::npos);
  CHECK(vrrpd.find("10.51.0.0/16 via 10.77.0.1 dev eth1 table 100") != std::string::npos);
  CHECK(vrrpd.find(fmt::format("100:\tfrom {} lookup 100", VrrpLab::kVip)) != std::string::npos);
}
