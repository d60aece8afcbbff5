#include "proxyd/core/balance/round_robin.h"

#include <catch2/catch.hpp>

#include "balance_test_support.h"

using namespace proxyd::balance;
using namespace balance_test;

namespace {
constexpr int a = 0, b = 1, c = 2;
}  // namespace

TEST_CASE("roundrobin interleaves 3:1 as a a b a, like nginx's smooth WRR", "[proxyd][balance][roundrobin]") {
  RoundRobin rr;
  SplitMix64 random(0);
  const auto servers = weighted({3, 1});
  CHECK(picks(rr, servers, 8, random) == std::vector<int>{a, a, b, a, a, a, b, a});
}

TEST_CASE("roundrobin gives 5:1:1 the nginx sequence a a b a c a a", "[proxyd][balance][roundrobin]") {
  RoundRobin rr;
  SplitMix64 random(0);
  const auto servers = weighted({5, 1, 1});
  CHECK(picks(rr, servers, 7, random) == std::vector<int>{a, a, b, a, c, a, a});
  CHECK(picks(rr, servers, 7, random) == std::vector<int>{a, a, b, a, c, a, a});  // and again
}

TEST_CASE("roundrobin distributes exactly by weight", "[proxyd][balance][roundrobin]") {
  RoundRobin rr;
  SplitMix64 random(0);
  SECTION("3:1 over 400 picks") {
    const auto counts = tally(picks(rr, weighted({3, 1}), 400, random));
    CHECK(counts == std::map<int, std::size_t>{{a, 300}, {b, 100}});
  }
  SECTION("equal weights alternate") {
    CHECK(picks(rr, weighted({1, 1, 1}), 6, random) == std::vector<int>{a, b, c, a, b, c});
  }
  SECTION("2:3:5 over 1000 picks") {
    const auto counts = tally(picks(rr, weighted({2, 3, 5}), 1000, random));
    CHECK(counts == std::map<int, std::size_t>{{a, 200}, {b, 300}, {c, 500}});
  }
  SECTION("weight 256 and 1") {
    const auto counts = tally(picks(rr, weighted({256, 1}), 257 * 3, random));
    CHECK(counts == std::map<int, std::size_t>{{a, 768}, {b, 3}});
  }
}

TEST_CASE("roundrobin follows a weight changed at runtime", "[proxyd][balance][roundrobin]") {
  RoundRobin rr;
  SplitMix64 random(0);
  auto servers = weighted({3, 1});
  CHECK(picks(rr, servers, 2, random) == std::vector<int>{a, a});
  servers[a].weight = 1;  // credits a=-2, b=2 carry over
  CHECK(picks(rr, servers, 4, random) == std::vector<int>{b, b, a, b});
  const auto counts = tally(picks(rr, servers, 100, random));
  CHECK(counts == std::map<int, std::size_t>{{a, 50}, {b, 50}});
  servers[b].weight = 0;  // drained
  CHECK(tally(picks(rr, servers, 10, random)) == std::map<int, std::size_t>{{a, 10}});
}

TEST_CASE("roundrobin skips a server that goes down mid-sequence, and it rejoins fresh",
          "[proxyd][balance][roundrobin]") {
  RoundRobin rr;
  SplitMix64 random(0);
  auto servers = weighted({2, 1, 1});
  CHECK(picks(rr, servers, 2, random) == std::vector<int>{a, b});
  servers[b].up = false;
  CHECK(picks(rr, servers, 3, random) == std::vector<int>{c, a, a});
  servers[b].up = true;  // b's credit was forgotten: it starts from 0
  CHECK(picks(rr, servers, 4, random) == std::vector<int>{c, a, b, a});
}

TEST_CASE("roundrobin skips a full server, which neither gains nor loses credit", "[proxyd][balance][roundrobin]") {
  RoundRobin rr;
  SplitMix64 random(0);
  auto servers = weighted({1, 1});
  servers[a].maxconn = 1;
  servers[a].active = 1;
  CHECK(picks(rr, servers, 3, random) == std::vector<int>{b, b, b});
  servers[a].active = 0;  // no catch-up burst once it has room again
  CHECK(picks(rr, servers, 4, random) == std::vector<int>{a, b, a, b});
}

TEST_CASE("roundrobin balances the backups by weight when they take over", "[proxyd][balance][roundrobin]") {
  RoundRobin rr;
  SplitMix64 random(0);
  auto servers = weighted({1});
  servers.push_back(backup(3));
  servers.push_back(backup(1));
  CHECK(picks(rr, servers, 3, random) == std::vector<int>{a, a, a});
  servers[a].up = false;
  CHECK(picks(rr, servers, 8, random) == std::vector<int>{b, b, c, b, b, b, c, b});
}

TEST_CASE("the smooth step skips weight 0 and reports when nothing is left", "[proxyd][balance][roundrobin]") {
  std::vector<std::int64_t> credit;
  const std::vector<std::uint32_t> weights{0, 2, 0, 1};
  CHECK(smooth_weighted_step(weights, credit) == 1u);
  CHECK(credit == std::vector<std::int64_t>{0, -1, 0, 1});
  const std::vector<std::uint32_t> none{0, 0};
  CHECK(smooth_weighted_step(none, credit) == std::nullopt);
}
