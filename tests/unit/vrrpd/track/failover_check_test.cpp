#include "vrrpd/core/track/failover_check.h"

#include <catch2/catch.hpp>

using namespace vrrpd;

namespace {

config::VrrpConfig load(const std::string& text) {
  common::config::Diagnostics d;
  auto c = config::load_vrrp_config(common::config::parse_ini(text, "x.ini", d), d);
  REQUIRE_FALSE(d.has_errors());
  return c;
}

std::string node(int priority, int weight, bool preempt = true) {
  return "[track_script chk]\nscript = /bin/true\nweight = " + std::to_string(weight) +
         "\n[instance VI_1]\ninterface = eth0\nvirtual_router_id = 51\npriority = " + std::to_string(priority) +
         "\npreempt = " + (preempt ? "true" : "false") + "\ntrack = chk\n";
}

bool any_problem(const std::vector<track::FailoverFinding>& f) {
  for (const auto& x : f) {
    if (x.problem) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("a weight too small to cross the peer's priority is the classic no-failover") {
  // The tutorials' trap: master 200, backup 100, script weight 2.
  const auto findings = track::check_failover(load(node(200, 2)), load(node(100, 2)));
  REQUIRE(any_problem(findings));
  bool named = false;
  for (const auto& f : findings) named = named || f.text.find("failover never happens") != std::string::npos;
  CHECK(named);
}

TEST_CASE("a weight that crosses the peer's priority, or weight 0, fails over") {
  CHECK_FALSE(any_problem(track::check_failover(load(node(101, 2)), load(node(100, 2)))));
  CHECK_FALSE(any_problem(track::check_failover(load(node(200, 0)), load(node(100, 0)))));
  CHECK_FALSE(any_problem(track::check_failover(load(node(200, -150)), load(node(100, -150)))));
}

TEST_CASE("without preempt on the peer a lower priority alone does not move the VIP") {
  CHECK(any_problem(track::check_failover(load(node(200, -150)), load(node(100, -150, false)))));
}

TEST_CASE("equal priorities and mismatched protocol settings are reported") {
  CHECK(any_problem(track::check_failover(load(node(100, 0)), load(node(100, 0)))));
  auto theirs = load(node(100, 0));
  theirs.instances[0].vrid = 52;
  CHECK(any_problem(track::check_failover(load(node(200, 0)), theirs)));
}
