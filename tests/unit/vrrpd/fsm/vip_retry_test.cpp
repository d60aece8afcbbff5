// When a master that could not hold its VIPs tries again, on a manual clock.
#include "vrrpd/core/fsm/vip_retry.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using common::Duration;
using vrrpd::fsm::VipRetry;

TEST_CASE("VIP retry delays double from 1 s up to 30 s") {
  common::ManualClock clock;
  VipRetry retry;
  std::vector<Duration> delays;
  for (int i = 0; i < 7; ++i) {
    delays.push_back(retry.failed(clock.now()));
    clock.advance(delays.back() + 3500ms);  // a retry: backup, master-down, add fails again
  }
  CHECK(delays == std::vector<Duration>{1s, 2s, 4s, 8s, 16s, 30s, 30s});
  CHECK(retry.consecutive_failures() == 7);
}

TEST_CASE("VIP retry: a short hold keeps the backoff, a long one forgives it") {
  common::ManualClock clock;
  VipRetry retry;
  retry.failed(clock.now());
  retry.failed(clock.now());
  retry.held(clock.now());
  clock.advance(10s);  // held, then lost again (someone ran ip addr del)
  CHECK(retry.failed(clock.now()) == 4s);
  retry.held(clock.now());
  clock.advance(29s);
  retry.held(clock.now());  // still the same hold: held_since stays
  clock.advance(1s);
  CHECK(retry.failed(clock.now()) == 1s);
  CHECK(retry.consecutive_failures() == 1);
}

TEST_CASE("VIP retry honours a custom first delay and ceiling") {
  common::ManualClock clock;
  VipRetry retry(Duration(100), Duration(250));
  CHECK(retry.failed(clock.now()) == 100ms);
  CHECK(retry.failed(clock.now()) == 200ms);
  CHECK(retry.failed(clock.now()) == 250ms);
}
