#include "proxyd/core/balance/static_round_robin.h"

#include <catch2/catch.hpp>

#include "balance_test_support.h"

using namespace proxyd::balance;
using namespace balance_test;

namespace {
constexpr int a = 0, b = 1, c = 2;
}  // namespace

TEST_CASE("static-rr cycles through the smooth schedule", "[proxyd][balance][static-rr]") {
  StaticRoundRobin rr;
  SplitMix64 random(0);
  CHECK(picks(rr, weighted({3, 1}), 8, random) == std::vector<int>{a, a, b, a, a, a, b, a});
}

TEST_CASE("static-rr distributes exactly by weight", "[proxyd][balance][static-rr]") {
  StaticRoundRobin rr;
  SplitMix64 random(0);
  SECTION("3:1 over 400 picks") {
    CHECK(tally(picks(rr, weighted({3, 1}), 400, random)) == std::map<int, std::size_t>{{a, 300}, {b, 100}});
  }
  SECTION("5:1:1 in nginx order, then 5:1:1 over 700 picks") {
    const auto servers = weighted({5, 1, 1});
    CHECK(picks(rr, servers, 7, random) == std::vector<int>{a, a, b, a, c, a, a});
    CHECK(tally(picks(rr, servers, 700, random)) == std::map<int, std::size_t>{{a, 500}, {b, 100}, {c, 100}});
  }
  SECTION("weights above 256 count as 256") {
    CHECK(tally(picks(rr, weighted({1000, 1}), 257, random)) == std::map<int, std::size_t>{{a, 256}, {b, 1}});
  }
}

TEST_CASE("static-rr ignores a runtime weight change until the server set changes", "[proxyd][balance][static-rr]") {
  StaticRoundRobin rr;
  SplitMix64 random(0);
  auto servers = weighted({3, 1, 1});
  servers[c].up = false;
  CHECK(tally(picks(rr, servers, 40, random)) == std::map<int, std::size_t>{{a, 30}, {b, 10}});
  servers[a].weight = 1;  // static: still 3:1
  CHECK(tally(picks(rr, servers, 40, random)) == std::map<int, std::size_t>{{a, 30}, {b, 10}});
  servers[c].up = true;  // c joins: rebuilt with the weights of now, 1:1:1
  CHECK(tally(picks(rr, servers, 30, random)) == std::map<int, std::size_t>{{a, 10}, {b, 10}, {c, 10}});
}

TEST_CASE("static-rr drops a server that goes down mid-cycle and takes it back", "[proxyd][balance][static-rr]") {
  StaticRoundRobin rr;
  SplitMix64 random(0);
  auto servers = weighted({2, 1, 1});
  // Schedule a b c a.
  CHECK(picks(rr, servers, 2, random) == std::vector<int>{a, b});
  servers[b].up = false;  // schedule a c a, cursor stays at slot 2
  CHECK(picks(rr, servers, 4, random) == std::vector<int>{a, a, c, a});
  servers[b].up = true;  // schedule a b c a again, cursor at slot 3
  CHECK(picks(rr, servers, 5, random) == std::vector<int>{a, a, b, c, a});
}

TEST_CASE("static-rr skips a full server's slots without rebuilding", "[proxyd][balance][static-rr]") {
  StaticRoundRobin rr;
  SplitMix64 random(0);
  auto servers = weighted({1, 1, 1});
  servers[b].maxconn = 4;
  servers[b].active = 4;
  CHECK(picks(rr, servers, 4, random) == std::vector<int>{a, c, a, c});
  servers[b].active = 3;
  CHECK(picks(rr, servers, 3, random) == std::vector<int>{a, b, c});
}
