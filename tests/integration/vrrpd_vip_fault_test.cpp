// A master that cannot hold its VIPs: a VIP add refused by the kernel (no
// CAP_NET_ADMIN, a real EPERM from netlink) or a VIP removed by hand while
// master. Either is a FAULT with priority 0, the peer takes over, and the
// node retries with backoff. Also the shared unicast file (each node skips
// its own address in unicast_peer).
#include <signal.h>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <thread>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;
using testing::VrrpSettings;

namespace {

VrrpSettings prio(int priority, VrrpSettings s = {}) {
  s.priority = priority;
  return s;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a node whose VIP add fails (EPERM) never claims MASTER: FAULT, priority 0, retries with backoff",
          "[root][vrrpd]") {
  VrrpLab lab;
  VrrpSettings crippled = prio(200);
  crippled.prefix = {"setpriv", "--bounding-set", "-net_admin", "--"};
  lab.start_vrrpd("lb2", prio(100));
  REQUIRE(lab.wait_sole_master("lb2", 10s));
  lab.start_vrrpd("lb1", crippled);
  auto& lb1 = lab.daemon("lb1");
  // lb1 preempts (200 > 100), cannot add the VIP, goes to FAULT.
  REQUIRE(lb1.wait_for_log("(VI_1) cannot add VIP 10.77.0.10/24 dev eth1", 10s));
  REQUIRE(lb1.wait_for_log("Operation not permitted): entering FAULT, retrying in 1s", 5s));
  REQUIRE(lb1.wait_for_log("(VI_1) Entering FAULT STATE", 5s));
  // It retries: back to BACKUP after 1 s, fails again, waits 2 s.
  REQUIRE(lb1.wait_for_log("(VI_1) retrying the VIPs", 5s));
  REQUIRE(lb1.wait_for_log("entering FAULT, retrying in 2s", 10s));
  const auto log = lb1.log();
  INFO(log);
  CHECK(log.find("Entering MASTER STATE") == std::string::npos);
  CHECK(log.find("Sending gratuitous ARP") == std::string::npos);
  CHECK(count(log, "(VI_1) sent 0 priority") >= 2);
  // The peer served throughout, and took the VIP back at once each time.
  CHECK(lab.has_vip("lb2"));
  CHECK_FALSE(lab.has_vip("lb1"));
  // lb2 never left MASTER: lb1's priority-0 adverts (it was about to become
  // master when the add failed) only make a master advertise at once.
  CHECK(count(lab.daemon("lb2").log(), "Entering MASTER STATE") == 1);
  CHECK(count(lab.daemon("lb2").log(), "Entering BACKUP STATE") == 1);
  const auto status = lab.status("lb1");
  INFO(status.dump());
  CHECK(status["instances"][0]["state"] == "FAULT");
}

TEST_CASE("vrrpd -c says when CAP_NET_ADMIN is missing", "[root][vrrpd]") {
  VrrpLab lab;
  const auto path = lab.dir().write("check.ini", "[instance VI_1]\ninterface = eth1\nvirtual_router_id = 51\n");
  const auto vrrpd = std::string(HAPAIR_BIN_DIR) + "/vrrpd";
  const auto out = lab.lab().exec("lb1", {"setpriv", "--bounding-set", "-net_admin", "--", vrrpd, "-c", "-f", path});
  INFO(out.stderr_first_line);
  CHECK(out.success());  // a warning: vrrpd can still run, and will say why it cannot be master
  CHECK(out.stderr_first_line.find(
            "warning: this process lacks CAP_NET_ADMIN (needed for adding the VIPs through netlink)") !=
        std::string::npos);
  const auto full = lab.lab().exec("lb1", {vrrpd, "-c", "-f", path});
  CHECK(full.success());
  CHECK(full.stderr_first_line.find("lacks CAP_") == std::string::npos);
}

TEST_CASE("a VIP removed by hand on the master: FAULT at once, the peer takes over, the master comes back",
          "[root][vrrpd]") {
  VrrpLab lab;
  VrrpSettings shared;
  shared.shared_unicast = true;
  lab.start_vrrpd("lb1", prio(200, shared));
  lab.start_vrrpd("lb2", prio(100, shared));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  CHECK(lab.daemon("lb1").log().find("(VI_1) unicast_peer 10.77.0.11 is an address of this node: skipped") !=
        std::string::npos);
  CHECK(lab.daemon("lb2").log().find("(VI_1) unicast_peer 10.77.0.12 is an address of this node: skipped") !=
        std::string::npos);

  lab.lab().must("lb1", {"ip", "addr", "del", fmt::format("{}/24", VrrpLab::kVip), "dev", "eth1"});
  REQUIRE(lab.daemon("lb1").wait_for_log(
      "(VI_1) cannot hold the VIPs (VIP 10.77.0.10/24 was removed from eth1 by someone else): entering FAULT", 5s));
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb2"); }, 5s));
  // After the 1 s backoff lb1 rejoins as BACKUP and preempts.
  REQUIRE(lab.daemon("lb1").wait_for_log("(VI_1) retrying the VIPs", 5s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  // Our own removals (FAULT, failback) were never taken for someone else's.
  INFO(lab.daemon("lb1").log());
  CHECK(count(lab.daemon("lb1").log(), "by someone else): entering FAULT") == 1);
  CHECK(count(lab.daemon("lb2").log(), "by someone else") == 0);

  // A reload of the unchanged shared file keeps the instance (the skipped
  // own address is not a change) and the VIP where it is.
  lab.daemon("lb1").signal(SIGHUP);
  REQUIRE(lab.daemon("lb1").wait_for_log("configuration reloaded from", 5s));
  CHECK(lab.daemon("lb1").log().find("1 instance(s) unchanged, 0 restarted") != std::string::npos);
  CHECK(lab.has_vip("lb1"));
}
