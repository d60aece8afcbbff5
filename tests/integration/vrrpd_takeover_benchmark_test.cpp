// Takeover-time benchmark (hidden from the test run: tag [.bench]). Run with
// scripts/vrrp-bench.sh. Prints, per scenario, min/median/max over N runs of
// the time from the fault on the master to the VIP present on the backup,
// for vrrpd and for Keepalived side by side.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;
using testing::VrrpSettings;

namespace {

struct Scenario {
  const char* name;
  int version;
  const char* advert_int;
  int signo;  // SIGKILL: every process of the node (a crash); SIGTERM: a clean stop
};

constexpr Scenario kScenarios[] = {
    {"master killed (-9), v3 advert_int 100ms", 3, "100ms", SIGKILL},
    {"master killed (-9), v2 advert_int 1s", 2, "1s", SIGKILL},
    {"master SIGTERM, v3 advert_int 100ms", 3, "100ms", SIGTERM},
    {"master SIGTERM, v2 advert_int 1s", 2, "1s", SIGTERM},
};

double measure(const Scenario& sc, bool keepalived) {
  VrrpLab lab;
  VrrpSettings s;
  s.version = sc.version;
  s.advert_int = sc.advert_int;
  s.unicast = true;  // as the cloud tutorials configure it
  for (const char* node : {"lb1", "lb2"}) {
    s.priority = std::string(node) == "lb1" ? 200 : 100;
    keepalived ? lab.start_keepalived(node, s) : lab.start_vrrpd(node, s);
  }
  REQUIRE(lab.wait_sole_master("lb1", 20s));
  std::this_thread::sleep_for(sc.version == 2 ? 2s : 500ms);
  const auto t0 = std::chrono::steady_clock::now();
  if (sc.signo == SIGKILL) {
    lab.lab().kill_all("lb1");
  } else {
    lab.kill("lb1", SIGTERM);
  }
  REQUIRE(testing::eventually([&] { return lab.has_vip("lb2"); }, 20s));
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Figures {
  double min, median, max;
};

Figures summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

}  // namespace

TEST_CASE("takeover time benchmark: vrrpd vs keepalived", "[.bench][root]") {
  const char* env = std::getenv("BENCH_REPS");
  const int reps = env ? std::max(1, std::atoi(env)) : 5;
  std::printf(
      "\nTakeover time (ms): fault on the master -> VIP on the backup; %d runs each, unicast, "
      "priorities 200/100\n",
      reps);
  std::printf("%-42s %-24s %-24s %s\n", "scenario", "vrrpd min/median/max", "keepalived min/median/max",
              "median ratio");
  for (const auto& sc : kScenarios) {
    std::vector<double> ours, theirs;
    for (int i = 0; i < reps; ++i) {
      // Alternate the two so drift on the machine hits both alike.
      ours.push_back(measure(sc, false));
      theirs.push_back(measure(sc, true));
    }
    const auto a = summarize(ours);
    const auto b = summarize(theirs);
    std::printf("%-42s %6.0f / %6.0f / %6.0f     %6.0f / %6.0f / %6.0f     %.2fx\n", sc.name, a.min, a.median, a.max,
                b.min, b.median, b.max, b.median / a.median);
    std::fflush(stdout);
  }
}
