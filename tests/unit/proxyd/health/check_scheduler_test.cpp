#include "proxyd/core/health/check_scheduler.h"

#include <catch2/catch.hpp>

using namespace proxyd::health;
using namespace std::chrono_literals;
using common::ManualClock;

TEST_CASE("first checks are spread evenly over one interval", "[proxyd][health][scheduler]") {
  const common::TimePoint start{};
  CHECK(first_check_time(start, 2000ms, 0, 4) == start);
  CHECK(first_check_time(start, 2000ms, 1, 4) == start + 500ms);
  CHECK(first_check_time(start, 2000ms, 3, 4) == start + 1500ms);
  CHECK(first_check_time(start, 1000ms, 2, 3) == start + 666ms);
  // More servers than milliseconds: still monotonic and within the interval.
  CHECK(first_check_time(start, 3ms, 5, 10) == start + 1ms);
  CHECK(first_check_time(start, 2000ms, 0, 0) == start);
}

TEST_CASE("the scheduler fires each server once, spread, then every interval", "[proxyd][health][scheduler]") {
  ManualClock clock;
  const auto start = clock.now();
  CheckScheduler scheduler(4, 2s, start);
  CHECK(scheduler.next_check(2) == start + 1s);
  CHECK(scheduler.next_wakeup() == start);

  CHECK(scheduler.take_due(clock.now()) == std::vector<std::size_t>{0});
  CHECK(scheduler.next_check(0) == std::nullopt);  // running
  CHECK(scheduler.take_due(clock.now()).empty());  // not twice
  CHECK(scheduler.next_wakeup() == start + 500ms);

  clock.advance(20ms);
  scheduler.completed(0, clock.now());
  CHECK(scheduler.next_check(0) == start + 2020ms);

  clock.advance(1480ms);  // start + 1500ms: servers 1, 2 and 3 are due
  CHECK(scheduler.take_due(clock.now()) == std::vector<std::size_t>{1, 2, 3});
  CHECK(scheduler.next_wakeup() == start + 2020ms);
  for (std::size_t i = 1; i < 4; ++i) scheduler.completed(i, clock.now());

  clock.advance(519ms);
  CHECK(scheduler.take_due(clock.now()).empty());
  clock.advance(1ms);
  CHECK(scheduler.take_due(clock.now()) == std::vector<std::size_t>{0});
}

TEST_CASE("a slow check delays the next one instead of overlapping it", "[proxyd][health][scheduler]") {
  ManualClock clock;
  const auto start = clock.now();
  CheckScheduler scheduler(1, 1s, start);
  REQUIRE(scheduler.take_due(clock.now()) == std::vector<std::size_t>{0});
  clock.advance(3s);  // the check timed out after 3s
  CHECK(scheduler.take_due(clock.now()).empty());
  CHECK(scheduler.next_wakeup() == std::nullopt);
  scheduler.completed(0, clock.now());
  CHECK(scheduler.next_check(0) == start + 4s);
}

TEST_CASE("a zero interval is clamped and no servers means no wakeup", "[proxyd][health][scheduler]") {
  const common::TimePoint start{};
  CheckScheduler zero(2, 0ms, start);
  CHECK(zero.interval() == kMinCheckInterval);
  CheckScheduler empty(0, 2s, start);
  CHECK(empty.next_wakeup() == std::nullopt);
  CHECK(empty.take_due(start + 10s).empty());
}

TEST_CASE("inter, fastinter and downinter: the interval follows the server's health", "[health]") {
  using proxyd::health::CheckIntervals;
  using proxyd::health::CheckResult;
  using proxyd::health::CheckStatus;
  using proxyd::health::HealthCheck;
  const common::TimePoint t0{};
  const CheckIntervals intervals{std::chrono::milliseconds(2000), std::chrono::milliseconds(500),
                                 std::chrono::milliseconds(10000)};
  HealthCheck state(2, 3, t0);
  CHECK(next_check_interval(state, intervals) == std::chrono::milliseconds(2000));  // UP, steady
  state.record({CheckStatus::Layer4ConnectionProblem, {}, {}, 0}, t0);
  CHECK(next_check_interval(state, intervals) == std::chrono::milliseconds(500));  // UP, failing
  state.record({CheckStatus::Layer4ConnectionProblem, {}, {}, 0}, t0);
  state.record({CheckStatus::Layer4ConnectionProblem, {}, {}, 0}, t0);
  REQUIRE_FALSE(state.is_up());
  CHECK(next_check_interval(state, intervals) == std::chrono::milliseconds(10000));  // DOWN, steady
  state.record({CheckStatus::Layer4Ok, {}, {}, 0}, t0);
  CHECK(next_check_interval(state, intervals) == std::chrono::milliseconds(500));  // DOWN, recovering

  // Each server spreads over its own interval; completed() takes the next one.
  proxyd::health::CheckScheduler scheduler({std::chrono::milliseconds(1000), std::chrono::milliseconds(4000)}, t0);
  CHECK(scheduler.next_check(0) == t0);
  CHECK(scheduler.next_check(1) == t0 + std::chrono::milliseconds(2000));
  CHECK(scheduler.take_due(t0) == std::vector<std::size_t>{0});
  scheduler.completed(0, t0 + std::chrono::milliseconds(10), std::chrono::milliseconds(300));
  CHECK(scheduler.next_check(0) == t0 + std::chrono::milliseconds(310));
}
