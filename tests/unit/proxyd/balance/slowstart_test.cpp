#include "proxyd/core/balance/slowstart.h"

#include <catch2/catch.hpp>

#include "balance_test_support.h"
#include "proxyd/core/balance/round_robin.h"

using namespace proxyd::balance;
using namespace balance_test;
using namespace std::chrono_literals;
using common::Duration;

TEST_CASE("slowstart ramps a weight linearly on the 16x scale, at least 1", "[proxyd][balance][slowstart]") {
  const Duration period = 10s;
  CHECK(slowstart_weight(1, 0ms, period) == 1);  // the first instant: a share, not none
  CHECK(slowstart_weight(1, 2500ms, period) == 4);
  CHECK(slowstart_weight(1, 5s, period) == 8);
  CHECK(slowstart_weight(1, 10s, period) == 16);
  CHECK(slowstart_weight(1, 1h, period) == 16);
  CHECK(slowstart_weight(10, 1s, period) == 16);         // 10 * 16 / 10
  CHECK(slowstart_weight(10, 1ms, period) == 1);         // rounded up
  CHECK(slowstart_weight(0, 5s, period) == 0);           // weight 0 stays out
  CHECK(slowstart_weight(256, 9999ms, period) == 4096);  // no overflow, capped at full
  CHECK(slowstart_weight(3, 5s, 0ms) == 48);             // no slowstart: full
  CHECK(slowstart_percent(2500ms, period) == 25);
  CHECK(slowstart_percent(11s, period) == 100);
}

TEST_CASE("slowstart applies to the dynamic algorithms only, as HAProxy", "[proxyd][balance][slowstart]") {
  using proxyd::config::Balance;
  CHECK(ramps_weights(Balance::RoundRobin));
  CHECK(ramps_weights(Balance::LeastConn));
  CHECK(ramps_weights(Balance::Random));
  CHECK_FALSE(ramps_weights(Balance::StaticRr));
  CHECK_FALSE(ramps_weights(Balance::First));
  CHECK_FALSE(ramps_weights(Balance::Source));
  CHECK_FALSE(ramps_weights(Balance::Uri));
}

TEST_CASE("a ramping server's share of roundrobin follows its ramp", "[proxyd][balance][slowstart]") {
  // Two weight-1 servers; b came back 1 s into a 4 s slowstart: 4 of 20.
  RoundRobin rr;
  SplitMix64 random(0);
  const auto servers = weighted({slowstart_weight(1, 4s, 4s), slowstart_weight(1, 1s, 4s)});
  const auto chosen = picks(rr, servers, 200, random);
  const auto b_share = std::count(chosen.begin(), chosen.end(), 1);
  CHECK(b_share == 40);  // 4 / (16 + 4) of 200
}
