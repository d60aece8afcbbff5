// vrrpd and Keepalived 2.2 (Debian's package) as the two peers of one
// virtual router, both directions, multicast and unicast, v2 with PASS auth
// and v3 without: one master at a time, and takeover works both ways.
#include <signal.h>

#include <thread>

#include <catch2/catch.hpp>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;
using testing::VrrpSettings;

namespace {

struct Variant {
  const char* name;
  int version;
  const char* advert_int;
  bool unicast;
  const char* auth_pass;
};

constexpr Variant kVariants[] = {
    {"v2 multicast PASS", 2, "1s", false, "ka51pass"},
    {"v2 unicast PASS", 2, "1s", true, "ka51pass"},
    {"v3 multicast", 3, "100ms", false, ""},
    {"v3 unicast", 3, "100ms", true, ""},
};

void start(VrrpLab& lab, const std::string& node, bool keepalived, const VrrpSettings& s) {
  if (keepalived) {
    lab.start_keepalived(node, s);
  } else {
    lab.start_vrrpd(node, s);
  }
}

void run_variant(const Variant& v, bool vrrpd_is_master) {
  INFO(v.name << (vrrpd_is_master ? ", vrrpd master / keepalived backup" : ", keepalived master / vrrpd backup"));
  VrrpLab lab;
  VrrpSettings s;
  s.version = v.version;
  s.advert_int = v.advert_int;
  s.unicast = v.unicast;
  s.auth_pass = v.auth_pass;
  VrrpSettings master = s;
  master.priority = 200;
  VrrpSettings backup = s;
  backup.priority = 100;
  // lb1 is the higher-priority node.
  start(lab, "lb1", !vrrpd_is_master, master);
  start(lab, "lb2", vrrpd_is_master, backup);
  REQUIRE(lab.wait_sole_master("lb1", 15s));
  std::this_thread::sleep_for(v.version == 2 ? 2500ms : 500ms);
  REQUIRE(lab.has_vip("lb1"));
  REQUIRE_FALSE(lab.has_vip("lb2"));

  // Takeover one way: the master stops (priority 0 advert).
  lab.kill("lb1", SIGTERM);
  REQUIRE(lab.wait_sole_master("lb2", 15s));
  REQUIRE(lab.daemon("lb1").wait_exit(10s));

  // And back: the higher-priority node returns and preempts.
  start(lab, "lb1", !vrrpd_is_master, master);
  REQUIRE(lab.wait_sole_master("lb1", 15s));
}

}  // namespace

TEST_CASE("interop with keepalived: vrrpd master, keepalived backup", "[root][vrrpd][interop]") {
  for (const auto& v : kVariants) run_variant(v, true);
}

TEST_CASE("interop with keepalived: keepalived master, vrrpd backup", "[root][vrrpd][interop]") {
  for (const auto& v : kVariants) run_variant(v, false);
}
