// Two vrrpd nodes in network namespaces: elections, takeovers, preemption,
// link loss, GARP on the wire and dropped adverts. Bounds are generous: the
// timing figures live in the benchmark scripts, not here.
#include <signal.h>

#include <thread>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;
using testing::VrrpSettings;

namespace {

VrrpSettings prio(int priority, VrrpSettings s = {}) {
  s.priority = priority;
  return s;
}

std::chrono::milliseconds since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t);
}

void elect_lb1(VrrpLab& lab, const VrrpSettings& base) {
  lab.start_vrrpd("lb1", prio(200, base));
  lab.start_vrrpd("lb2", prio(100, base));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  // Stable: still exactly one master a few intervals later.
  std::this_thread::sleep_for(500ms);
  CHECK(lab.has_vip("lb1"));
  CHECK_FALSE(lab.has_vip("lb2"));
}

}  // namespace

TEST_CASE("vrrpd pair, v3 multicast: one master, kill -9 hands over within Master_Down_Interval", "[root][vrrpd]") {
  VrrpLab lab;
  elect_lb1(lab, {});
  CHECK(lab.daemon("lb1").log().find("(VI_1) Entering MASTER STATE") != std::string::npos);
  CHECK(lab.daemon("lb2").log().find("(VI_1) Entering BACKUP STATE") != std::string::npos);

  const auto t0 = std::chrono::steady_clock::now();
  lab.kill("lb1", SIGKILL);
  // Master_Down_Interval for priority 100 at 100ms: 361ms.
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb2"); }, 5s));
  const auto took = since(t0);
  INFO("takeover after kill -9: " << took.count() << " ms");
  CHECK(took < 2s);
  CHECK(lab.daemon("lb2").log().find("(VI_1) Receive advertisement timeout") != std::string::npos);

  // The killed node left its VIP behind; the restarted vrrpd removes it
  // before its first election and says so, then preempts.
  CHECK(lab.has_vip("lb1"));
  lab.start_vrrpd("lb1", prio(200));
  CHECK(lab.daemon("lb1").wait_for_log("removed stale VIP 10.77.0.10/24 from eth1", 5s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
}

TEST_CASE("vrrpd pair, v3 unicast: SIGTERM sends priority 0 and the sole peer takes over at once", "[root][vrrpd]") {
  VrrpLab lab;
  VrrpSettings s;
  s.unicast = true;
  elect_lb1(lab, s);
  const auto t0 = std::chrono::steady_clock::now();
  lab.kill("lb1", SIGTERM);
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb2") && !lab.has_vip("lb1"); }, 5s));
  const auto took = since(t0);
  INFO("takeover after SIGTERM: " << took.count() << " ms");
  CHECK(took < 1s);  // no Skew_Time with one peer; Master_Down_Interval would be 361ms
  CHECK(lab.daemon("lb1").wait_exit(5s));
  CHECK(lab.daemon("lb1").log().find("(VI_1) sent 0 priority") != std::string::npos);
  CHECK(lab.daemon("lb2").log().find("(VI_1) Backup received priority 0 advertisement") != std::string::npos);
  CHECK(lab.daemon("lb2").log().find("(VI_1) sole peer released the VIPs: taking over without Skew_Time") !=
        std::string::npos);
}

TEST_CASE("a returning higher-priority node preempts, and does not with preempt = false", "[root][vrrpd]") {
  VrrpLab lab;
  lab.start_vrrpd("lb2", prio(100));
  REQUIRE(lab.wait_sole_master("lb2", 10s));
  lab.start_vrrpd("lb1", prio(200));
  REQUIRE(lab.wait_sole_master("lb1", 10s));

  VrrpLab calm;
  calm.start_vrrpd("lb2", prio(100));
  REQUIRE(calm.wait_sole_master("lb2", 10s));
  VrrpSettings no_preempt = prio(200);
  no_preempt.preempt = false;
  calm.start_vrrpd("lb1", no_preempt);
  std::this_thread::sleep_for(1500ms);  // > 4 x Master_Down_Interval
  CHECK(calm.has_vip("lb2"));
  CHECK_FALSE(calm.has_vip("lb1"));
}

TEST_CASE("link down on the master: it goes to FAULT and the backup takes over", "[root][vrrpd]") {
  VrrpLab lab;
  elect_lb1(lab, {});
  lab.lab().must("lb1", {"ip", "link", "set", "eth1", "down"});
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb2"); }, 5s));
  CHECK(lab.daemon("lb1").wait_for_log("(VI_1) Entering FAULT STATE", 5s));
  CHECK(testing::eventually([&] { return !lab.has_vip("lb1"); }, 5s));
  // Link back: lb1 returns through BACKUP and preempts.
  lab.lab().must("lb1", {"ip", "link", "set", "eth1", "up"});
  REQUIRE(lab.wait_sole_master("lb1", 10s));
}

TEST_CASE("a gratuitous ARP for the VIP is seen on the bridge when the VIP moves", "[root][vrrpd]") {
  VrrpLab lab;
  elect_lb1(lab, {});
  testing::DaemonRunner capture({"ip", "netns", "exec", lab.lab().switch_ns(), "tcpdump", "-i", "br0", "-n", "-e", "-l",
                                 "-c", "1", "arp and ether src 02:77:00:00:00:12"},
                                lab.dir().file("capture.log"));
  REQUIRE(capture.wait_for_log("listening on br0", 10s));
  lab.kill("lb1", SIGTERM);
  REQUIRE(capture.wait_for_log("Request who-has 10.77.0.10 (ff:ff:ff:ff:ff:ff) tell 10.77.0.10", 10s));
  CHECK(lab.daemon("lb2").log().find("(VI_1) Sending gratuitous ARP on eth1 for 10.77.0.10") != std::string::npos);
}

TEST_CASE("an auth mismatch drops adverts, counts them and names the field", "[root][vrrpd]") {
  VrrpLab lab;
  VrrpSettings a = prio(200);
  a.version = 2;
  a.advert_int = "1s";
  a.auth_pass = "secret1";
  VrrpSettings b = a;
  b.priority = 100;
  b.auth_pass = "secret2";
  lab.start_vrrpd("lb1", a);
  lab.start_vrrpd("lb2", b);
  // Both end up MASTER: exactly the split brain users must be told about.
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb1") && lab.has_vip("lb2"); }, 10s));
  REQUIRE(lab.daemon("lb2").wait_for_log("(VI_1) dropped advert from 10.77.0.11: auth_pass differs from ours", 5s));
  const auto status = lab.status("lb2");
  const auto& instance = status["instances"][0];
  CHECK(instance["name"] == "VI_1");
  CHECK(instance["state"] == "MASTER");
  CHECK(instance["counters"]["dropped"]["bad_auth"].get<int>() >= 1);
  // Repeated drops are rate limited: far fewer lines than adverts.
  std::this_thread::sleep_for(3s);
  const auto log = lab.daemon("lb2").log();
  std::size_t lines = 0;
  for (auto at = log.find("auth_pass differs"); at != std::string::npos; at = log.find("auth_pass differs", at + 1)) {
    ++lines;
  }
  CHECK(lines <= 3);
  CHECK(lab.status("lb2")["instances"][0]["counters"]["dropped"]["bad_auth"].get<int>() >= 4);
}

TEST_CASE("SIGHUP keeps unchanged instances running without a transition", "[root][vrrpd]") {
  VrrpLab lab;
  elect_lb1(lab, {});
  const auto before = lab.daemon("lb1").log();
  lab.kill("lb1", SIGHUP);
  REQUIRE(lab.daemon("lb1").wait_for_log("1 instance(s) unchanged", 5s));
  std::this_thread::sleep_for(500ms);
  const auto after = lab.daemon("lb1").log().substr(before.size());
  CHECK(after.find("Entering") == std::string::npos);
  CHECK(lab.wait_sole_master("lb1", 1s));
}

TEST_CASE("sync group: a FAULT on one member's link moves every member to the peer", "[root][vrrpd]") {
  testing::NetnsLab lab;
  testing::TempDir dir;
  std::unique_ptr<testing::DaemonRunner> daemons[2];
  const char* nodes[] = {"lb1", "lb2"};
  for (int i = 0; i < 2; ++i) {
    lab.add_node(nodes[i]);
    lab.connect(nodes[i], "eth1", fmt::format("10.77.0.1{}/24", i + 1));
    lab.connect(nodes[i], "eth2", fmt::format("10.78.0.1{}/24", i + 1));
  }
  for (int i = 0; i < 2; ++i) {
    const auto config = dir.write(
        fmt::format("{}.ini", nodes[i]),
        fmt::format("[global]\nlog = stderr\npidfile = {0}/{1}.pid\nstatus_file = {0}/{1}.json\n"
                    "[instance PUBLIC]\ninterface = eth1\npriority = {2}\nvirtual_router_id = 51\nversion = 3\n"
                    "advert_int = 100ms\nvip = 10.77.0.10/24\n"
                    "[instance PRIVATE]\ninterface = eth2\npriority = {2}\nvirtual_router_id = 52\nversion = 3\n"
                    "advert_int = 100ms\nvip = 10.78.0.10/24\n"
                    "[sync_group G]\ninstances = PUBLIC PRIVATE\n",
                    dir.path(), nodes[i], i == 0 ? 200 : 100));
    daemons[i] = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/vrrpd", "-f", config},
        dir.file(fmt::format("{}.log", nodes[i])), lab.ns(nodes[i]));
  }
  auto holds = [&](const char* node, const char* ifname, const char* vip) {
    return lab.addresses(node, ifname).find(vip) != std::string::npos;
  };
  REQUIRE(testing::eventually(
      [&] { return holds("lb1", "eth1", "10.77.0.10/") && holds("lb1", "eth2", "10.78.0.10/"); }, 10s));
  lab.must("lb1", {"ip", "link", "set", "eth2", "down"});
  // PRIVATE faults; PUBLIC follows it into FAULT, so lb2 takes both VIPs.
  REQUIRE(testing::eventually(
      [&] { return holds("lb2", "eth1", "10.77.0.10/") && holds("lb2", "eth2", "10.78.0.10/"); }, 10s));
  CHECK(testing::eventually([&] { return !holds("lb1", "eth1", "10.77.0.10/"); }, 5s));
  CHECK(daemons[0]->log().find("(PUBLIC) Entering FAULT STATE") != std::string::npos);
}

TEST_CASE("VRRPv3 over IPv6: adverts from link-local addresses, the IPv6 VIP moves", "[root][vrrpd]") {
  VrrpLab lab;
  // Link-local addresses must finish duplicate address detection before
  // they can be advert sources.
  for (const char* node : {"lb1", "lb2"}) {
    REQUIRE(testing::eventually(
        [&] {
          const auto r = lab.lab().exec(node, {"sh", "-c", "ip -6 addr show dev eth1 | grep -q tentative"});
          return r.exited && r.exit_code != 0;
        },
        10s));
  }
  std::unique_ptr<testing::DaemonRunner> daemons[2];
  const char* nodes[] = {"lb1", "lb2"};
  for (int i = 0; i < 2; ++i) {
    const auto config = lab.dir().write(
        fmt::format("{}-v6.ini", nodes[i]),
        fmt::format("[global]\nlog = stderr\npidfile = {0}/{1}-v6.pid\nstatus_file = {0}/{1}-v6.json\n"
                    "[instance VI_6]\ninterface = eth1\npriority = {2}\nvirtual_router_id = 61\nversion = 3\n"
                    "advert_int = 100ms\nvip = 2001:db8::10/64 dev eth1\n",
                    lab.dir().path(), nodes[i], i == 0 ? 200 : 100));
    daemons[i] = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/vrrpd", "-f", config},
        lab.dir().file(fmt::format("{}-v6.log", nodes[i])), lab.lab().ns(nodes[i]));
  }
  auto holds = [&](const char* node) {
    return lab.lab().addresses(node, "eth1").find("2001:db8::10/64") != std::string::npos;
  };
  REQUIRE(testing::eventually([&] { return holds("lb1") && !holds("lb2"); }, 10s));
  std::this_thread::sleep_for(500ms);
  CHECK_FALSE(holds("lb2"));
  CHECK(daemons[0]->log().find("(VI_6) Sending unsolicited Neighbour Advert on eth1 for 2001:db8::10") !=
        std::string::npos);
  daemons[0]->signal(SIGTERM);
  REQUIRE(testing::eventually([&] { return holds("lb2") && !holds("lb1"); }, 5s));
  CHECK(daemons[1]->log().find("(VI_6) Backup received priority 0 advertisement") != std::string::npos);
}

TEST_CASE("vrrpd pair, v2 multicast with PASS auth: election and SIGTERM handover", "[root][vrrpd]") {
  VrrpLab lab;
  VrrpSettings s;
  s.version = 2;
  s.advert_int = "1s";
  s.auth_pass = "ka51pass";
  lab.start_vrrpd("lb1", prio(200, s));
  lab.start_vrrpd("lb2", prio(100, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  lab.kill("lb1", SIGTERM);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb2") && !lab.has_vip("lb1"); }, 10s));
  INFO("takeover after SIGTERM: " << since(t0).count() << " ms");
  CHECK(since(t0) < 2s);  // Skew_Time (v2, priority 100): 609ms
  const auto status = lab.status("lb2");
  CHECK(status["instances"][0]["counters"]["adverts_received"].get<int>() >= 1);
  CHECK(status["instances"][0]["counters"]["dropped"]["bad_auth"].get<int>() == 0);
}
