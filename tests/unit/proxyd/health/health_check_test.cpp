#include "proxyd/core/health/health_check.h"

#include <catch2/catch.hpp>

using namespace proxyd::health;
using namespace std::chrono_literals;
using common::ManualClock;

namespace {

const CheckResult kPass{CheckStatus::Layer4Ok, "", 0ms};
const CheckResult kRefused{CheckStatus::Layer4ConnectionProblem, "Connection refused", 1ms};
const CheckResult kTimeout{CheckStatus::Layer4Timeout, "", 2000ms};

// Records <result> <times> times, 2s apart; returns the transitions seen.
std::vector<HealthTransition> run(HealthCheck& check, ManualClock& clock, const CheckResult& result, int times) {
  std::vector<HealthTransition> out;
  for (int i = 0; i < times; ++i) {
    clock.advance(2s);
    if (auto t = check.record(result, clock.now())) out.push_back(*t);
  }
  return out;
}

}  // namespace

TEST_CASE("a checked server starts up and stays up while checks pass", "[proxyd][health]") {
  ManualClock clock;
  HealthCheck check(2, 3, clock.now());
  CHECK(check.is_up());
  CHECK_FALSE(check.last_result());
  CHECK(run(check, clock, kPass, 10).empty());
  CHECK(check.consecutive_successes() == 10);
  CHECK(check.last_result()->status == CheckStatus::Layer4Ok);
}

TEST_CASE("fall consecutive failures take an up server down", "[proxyd][health]") {
  ManualClock clock;
  const auto start = clock.now();
  HealthCheck check(2, 3, start);
  CHECK(run(check, clock, kRefused, 2).empty());
  CHECK(check.is_up());
  CHECK(check.consecutive_failures() == 2);

  clock.advance(2s);
  const auto t = check.record(kRefused, clock.now());
  REQUIRE(t);
  CHECK(t->from == ServerHealth::Up);
  CHECK(t->to == ServerHealth::Down);
  CHECK(t->cause.status == CheckStatus::Layer4ConnectionProblem);
  CHECK(t->cause.info == "Connection refused");
  CHECK(t->at == clock.now());
  CHECK(t->time_in_from == 6s);
  CHECK(check.state() == ServerHealth::Down);
  CHECK(check.last_change() == start + 6s);

  // Further failures do not repeat the transition.
  CHECK(run(check, clock, kTimeout, 5).empty());
}

TEST_CASE("a success between failures restarts the fall count", "[proxyd][health]") {
  ManualClock clock;
  HealthCheck check(2, 3, clock.now());
  CHECK(run(check, clock, kRefused, 2).empty());
  CHECK(run(check, clock, kPass, 1).empty());
  CHECK(check.consecutive_failures() == 0);
  CHECK(run(check, clock, kRefused, 2).empty());
  CHECK(check.is_up());
  CHECK(run(check, clock, kTimeout, 1).size() == 1);  // failures of any kind count together
  CHECK_FALSE(check.is_up());
}

TEST_CASE("rise consecutive successes bring a down server back", "[proxyd][health]") {
  ManualClock clock;
  HealthCheck check(2, 1, clock.now());
  REQUIRE(run(check, clock, kRefused, 1).size() == 1);  // fall 1: one failure is enough
  const auto down_at = clock.now();

  CHECK(run(check, clock, kPass, 1).empty());
  CHECK(check.consecutive_successes() == 1);
  clock.advance(5s);
  const auto t = check.record(kPass, clock.now());
  REQUIRE(t);
  CHECK(t->from == ServerHealth::Down);
  CHECK(t->to == ServerHealth::Up);
  CHECK(t->cause.status == CheckStatus::Layer4Ok);
  CHECK(t->time_in_from == clock.now() - down_at);
  CHECK(check.is_up());
  CHECK(check.consecutive_successes() == 0);  // counts restart at a transition
}

TEST_CASE("a failure while down restarts the rise count", "[proxyd][health]") {
  ManualClock clock;
  HealthCheck check(3, 1, clock.now(), ServerHealth::Down);
  CHECK_FALSE(check.is_up());
  CHECK(run(check, clock, kPass, 2).empty());
  CHECK(run(check, clock, kRefused, 1).empty());  // already down: no transition
  CHECK(run(check, clock, kPass, 2).empty());
  const auto up = run(check, clock, kPass, 1);
  REQUIRE(up.size() == 1);
  CHECK(up[0].to == ServerHealth::Up);
}

TEST_CASE("after a transition the next one needs a full run again", "[proxyd][health]") {
  ManualClock clock;
  HealthCheck check(2, 2, clock.now());
  CHECK(run(check, clock, kRefused, 2).size() == 1);
  CHECK(run(check, clock, kPass, 2).size() == 1);
  CHECK(run(check, clock, kRefused, 1).empty());  // one failure is not two
  CHECK(check.is_up());
  CHECK(run(check, clock, kRefused, 1).size() == 1);
}

TEST_CASE("rise and fall of 0 behave as 1", "[proxyd][health]") {
  ManualClock clock;
  HealthCheck check(0, 0, clock.now());
  CHECK(run(check, clock, kRefused, 1).size() == 1);
  CHECK(run(check, clock, kPass, 1).size() == 1);
}

TEST_CASE("check statuses have HAProxy's descriptions and success values", "[proxyd][health]") {
  CHECK(describe(CheckStatus::Layer4Ok) == "Layer4 check passed");
  CHECK(describe(CheckStatus::Layer4Timeout) == "Layer4 timeout");
  CHECK(describe(CheckStatus::Layer4ConnectionProblem) == "Layer4 connection problem");
  CHECK(describe(CheckStatus::SocketError) == "Socket error");
  CHECK(is_success(CheckStatus::Layer4Ok));
  CHECK_FALSE(is_success(CheckStatus::Layer4Timeout));
  CHECK_FALSE(is_success(CheckStatus::Layer4ConnectionProblem));
  CHECK_FALSE(is_success(CheckStatus::SocketError));
  CHECK(health_name(ServerHealth::Up) == "UP");
  CHECK(health_name(ServerHealth::Down) == "DOWN");
}
