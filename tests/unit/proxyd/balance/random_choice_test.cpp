#include "proxyd/core/balance/random_choice.h"

#include <catch2/catch.hpp>

#include "balance_test_support.h"

using namespace proxyd::balance;
using namespace balance_test;

TEST_CASE("random draws two distinct servers by weight and keeps the less loaded", "[proxyd][balance][random]") {
  RandomChoice random_choice;
  auto servers = weighted({1, 2, 1});  // tickets: 0 -> s0, 1..2 -> s1, 3 -> s2
  servers[0].active = 4;
  servers[1].active = 1;  // (1+1)/2 = 1
  servers[2].active = 0;  // (0+1)/1 = 1
  SECTION("first draw s0, second draw among s1 (0..1) and s2 (2): s1") {
    ScriptedRandom random({0, 1});
    CHECK(random_choice.pick({servers, 0, random}) == 1u);
    CHECK(random.draws() == 2);
  }
  SECTION("first draw s0, second draw s2: s2 is less loaded than s0") {
    ScriptedRandom random({0, 2});
    CHECK(random_choice.pick({servers, 0, random}) == 2u);
  }
  SECTION("s1 then s2 tie on load: the first drawn wins") {
    ScriptedRandom random({2, 3});  // s1; then among s0 (0) and s2 (1): 3 % 2 = 1 -> s2
    CHECK(random_choice.pick({servers, 0, random}) == 1u);
  }
  SECTION("s2 then s1 tie on load: the first drawn wins") {
    ScriptedRandom random({3, 1});  // s2; then among s0 (0) and s1 (1..2): s1
    CHECK(random_choice.pick({servers, 0, random}) == 2u);
  }
}

TEST_CASE("random with two equally weighted servers always takes the less loaded", "[proxyd][balance][random]") {
  RandomChoice random_choice;
  SplitMix64 random(7);
  auto servers = weighted({1, 1});
  servers[0].active = 3;
  CHECK(tally(picks(random_choice, servers, 100, random)) == std::map<int, std::size_t>{{1, 100}});
}

TEST_CASE("random keeps loads even as connections open", "[proxyd][balance][random]") {
  RandomChoice random_choice;
  SplitMix64 random(11);
  auto servers = weighted({1, 1, 1, 1});
  for (int i = 0; i < 400; ++i) {
    const auto pick = random_choice.pick({servers, 0, random});
    REQUIRE(pick);
    ++servers[*pick].active;
  }
  // Two choices keep the spread tight; one choice would drift by ~±17.
  for (const auto& s : servers) CHECK(s.active == Approx(100).margin(3));
}

TEST_CASE("random follows weights when loads are equal", "[proxyd][balance][random]") {
  RandomChoice random_choice;
  SplitMix64 random(3);
  auto servers = weighted({3, 1});
  std::size_t first = 0;
  // With equal loads the first draw wins, so a wins 3 times in 4.
  for (int i = 0; i < 4000; ++i) {
    servers[0].active = 2;  // (2+1)/3 = 1, like b's (0+1)/1
    if (random_choice.pick({servers, 0, random}) == 0u) ++first;
  }
  CHECK(first == Approx(3000).epsilon(0.05));
}

TEST_CASE("random skips down servers mid-sequence", "[proxyd][balance][random]") {
  RandomChoice random_choice;
  SplitMix64 random(5);
  auto servers = weighted({1, 1, 1});
  servers[1].up = false;
  const auto counts = tally(picks(random_choice, servers, 200, random));
  CHECK(counts.count(1) == 0);
  CHECK(counts.count(-1) == 0);
}
