// The fast path (short adverts, no skew with one peer, realtime
// scheduling): the rules are asserted through vrrpd's log lines, /proc and
// its status, never through a timing. The figures are in
// scripts/failover-bench.sh and scripts/false-failover-bench.sh.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;
using testing::VrrpSettings;

namespace {

constexpr const char* kNoSkew = "(VI_1) sole peer released the VIPs: taking over without Skew_Time";
constexpr const char* kPriorityZero = "(VI_1) Backup received priority 0 advertisement";

VrrpSettings node(int priority, VrrpSettings s) {
  s.priority = priority;
  return s;
}

// lb1 master, lb2 backup, then lb1 stops (priority 0); lb2's log.
std::string hand_over(VrrpLab& lab, const VrrpSettings& s) {
  lab.start_vrrpd("lb1", node(200, s));
  lab.start_vrrpd("lb2", node(100, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  lab.kill("lb1", SIGTERM);
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb2") && !lab.has_vip("lb1"); }, 5s));
  REQUIRE(lab.daemon("lb2").wait_for_log("first gratuitous ARP sent", 5s));
  return lab.daemon("lb2").log();
}

// Field <n> (1-based, as proc(5) counts) of /proc/PID/stat.
std::string stat_field(pid_t pid, int n) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string line;
  std::getline(in, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  for (int i = 3; i <= n; ++i) rest >> field;
  return field;
}

std::string status_line(pid_t pid, const std::string& key) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(key + ":")) return line;
  }
  return {};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("one unicast peer: a priority 0 advert is taken over without Skew_Time", "[root][vrrpd]") {
  VrrpLab lab;
  VrrpSettings s;
  s.unicast = true;
  const auto log = hand_over(lab, s);
  CHECK(log.find(kPriorityZero) != std::string::npos);
  CHECK(log.find(kNoSkew) != std::string::npos);
  // The gratuitous ARP left before the notify scripts and is timed.
  CHECK(log.find("(VI_1) first gratuitous ARP sent ") != std::string::npos);
  CHECK(lab.status("lb2")["instances"][0]["sole_peer_takeover"] == true);
  CHECK(lab.status("lb2")["instances"][0]["vip_to_first_garp_us"].is_number());
}

TEST_CASE("two unicast peers, or skew_on_priority_zero = always: the backup still waits Skew_Time", "[root][vrrpd]") {
  VrrpSettings two;
  two.unicast = true;
  two.extra = "unicast_peer = 10.77.0.13\n";  // a second (absent) backup
  VrrpSettings always;
  always.unicast = true;
  always.extra = "skew_on_priority_zero = always\n";
  for (const auto& s : {two, always}) {
    VrrpLab lab;
    const auto log = hand_over(lab, s);
    CHECK(log.find(kPriorityZero) != std::string::npos);
    CHECK(log.find(kNoSkew) == std::string::npos);
    CHECK(log.find("(VI_1) Receive advertisement timeout") != std::string::npos);  // the skew timer fired
    CHECK(lab.status("lb2")["instances"][0]["sole_peer_takeover"] == false);
  }
}

TEST_CASE("realtime_priority runs vrrpd SCHED_RR with locked memory, and its scripts with normal scheduling",
          "[root][vrrpd]") {
  VrrpLab lab;
  const auto out = lab.dir().file("notify.stat");
  VrrpSettings s;
  s.unicast = true;
  s.global_extra = "realtime_priority = 40\nno_swap = true\n";
  const auto script =
      lab.dir().write("stat.sh", fmt::format("#!/bin/sh\ncut -d' ' -f40,41 /proc/self/stat > {}\n", out));
  ::chmod(script.c_str(), 0755);
  s.extra = fmt::format("notify_master = {}\n", script);
  lab.start_vrrpd("lb1", node(200, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  const auto pid = lab.daemon("lb1").pid();
  CHECK(stat_field(pid, 41) == "2");   // policy SCHED_RR
  CHECK(stat_field(pid, 40) == "40");  // rt_priority
  const auto locked = status_line(pid, "VmLck");
  INFO(locked);
  CHECK(!locked.empty());
  CHECK(locked.find(" 0 kB") == std::string::npos);
  CHECK(lab.daemon("lb1").log().find("realtime scheduling: SCHED_RR priority 40") != std::string::npos);
  CHECK(lab.daemon("lb1").log().find("memory locked (no_swap)") != std::string::npos);
  // SCHED_RESET_ON_FORK: the notify script runs SCHED_OTHER (rt_priority 0, policy 0).
  REQUIRE(testing::eventually([&] { return read_file(out).find(' ') != std::string::npos; }, 5s));
  CHECK(read_file(out) == "0 0\n");
  CHECK(lab.status("lb1")["scheduling"]["policy"] == "SCHED_RR 40");
}

TEST_CASE("an advert held up past a quarter interval is logged and counted as late", "[root][vrrpd]") {
  VrrpLab lab;
  VrrpSettings s;
  s.unicast = true;
  s.advert_int = "100ms";
  lab.start_vrrpd("lb1", node(200, s));
  lab.start_vrrpd("lb2", node(100, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  // The master's process is held (as a starved CPU would) for 60 ms: its
  // next advert leaves at least 35 ms late (a quarter interval is 25 ms).
  std::this_thread::sleep_for(20ms);
  lab.kill("lb1", SIGSTOP);
  std::this_thread::sleep_for(160ms);
  lab.kill("lb1", SIGCONT);
  REQUIRE(lab.daemon("lb1").wait_for_log("(VI_1) advert sent ", 5s));
  CHECK(lab.daemon("lb1").log().find("late (advert_int 100ms): vrrpd was held up") != std::string::npos);
  const auto lateness = lab.status("lb1")["instances"][0]["advert_lateness"];
  INFO(lateness.dump());
  CHECK(lateness["late"].get<int>() >= 1);
  CHECK(lateness["max_us"].get<int>() >= 25'000);
  CHECK(lateness["adverts"].get<int>() >= 1);
}

TEST_CASE("20 ms adverts at realtime priority: no transition while the node is saturated", "[root][vrrpd]") {
  REQUIRE(std::system("command -v stress-ng > /dev/null") == 0);
  VrrpLab lab;
  VrrpSettings s;
  s.unicast = true;
  s.advert_int = "20ms";
  s.global_extra = "realtime_priority = 50\nno_swap = true\n";
  lab.start_vrrpd("lb1", node(200, s));
  lab.start_vrrpd("lb2", node(100, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  std::this_thread::sleep_for(300ms);
  const auto before1 = lab.daemon("lb1").log();
  const auto before2 = lab.daemon("lb2").log();
  // Both cores busy with CPU, memory and I/O work, bounded in time.
  const int rc = std::system("timeout 20 stress-ng --cpu 2 --vm 1 --vm-bytes 64M --io 1 --timeout 6s --quiet");
  CHECK(rc == 0);
  std::this_thread::sleep_for(300ms);
  CHECK(count(lab.daemon("lb2").log(), "Entering MASTER STATE") == count(before2, "Entering MASTER STATE"));
  CHECK(count(lab.daemon("lb1").log(), "Entering BACKUP STATE") == count(before1, "Entering BACKUP STATE"));
  CHECK(lab.has_vip("lb1"));
  CHECK_FALSE(lab.has_vip("lb2"));
  INFO(lab.status("lb1")["instances"][0]["advert_lateness"].dump());
  CHECK(lab.status("lb1")["instances"][0]["advert_lateness"]["adverts"].get<int>() > 100);
}

TEST_CASE("a yield and an immediate takeover in one burst keep the VIPs (labelled ones too)", "[root][vrrpd]") {
  // A peer's stale burst (its last advert and its priority 0, queued while
  // its link was down) makes the master yield and take over again at once:
  // the rtnetlink event of its own removal must not read as someone else's.
  VrrpLab lab;
  VrrpSettings s;
  s.unicast = true;
  s.extra = "vip = 10.77.0.20/24 dev eth1 label eth1:vip\n";
  lab.start_vrrpd("lb2", node(100, s));
  REQUIRE(lab.wait_sole_master("lb2", 10s));
  const auto forge = std::string(HAPAIR_SOURCE_DIR) + "/tests/tools/vrrp_forge.py";
  REQUIRE(lab.lab()
              .exec("lb1", {"python3", forge, "forge", "--src", "10.77.0.11", "--dst", "10.77.0.12", "--vrid", "51",
                            "--priority", "200,0", "--count", "2", "--interval-ms", "0", "--vip", VrrpLab::kVip})
              .success());
  REQUIRE(lab.daemon("lb2").wait_for_log(kNoSkew, 5s));
  std::this_thread::sleep_for(500ms);
  const auto log = lab.daemon("lb2").log();
  INFO(log);
  CHECK(log.find("removed from eth1 by someone else") == std::string::npos);
  CHECK(lab.lab().addresses("lb2", "eth1").find("10.77.0.20/24") != std::string::npos);
  CHECK(lab.has_vip("lb2"));
  CHECK(lab.status("lb2")["instances"][0]["state"] == "MASTER");
}
