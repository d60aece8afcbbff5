#include "proxyd/core/balance/first_available.h"

#include <catch2/catch.hpp>

#include "balance_test_support.h"

using namespace proxyd::balance;
using namespace balance_test;

TEST_CASE("first fills servers in declaration order up to maxconn", "[proxyd][balance][first]") {
  FirstAvailable first;
  SplitMix64 random(0);
  auto servers = weighted({1, 5, 1});
  servers[0].maxconn = 2;
  servers[1].maxconn = 3;
  servers[2].maxconn = 0;  // unlimited
  std::vector<int> sequence;
  for (int i = 0; i < 8; ++i) {
    const auto pick = first.pick({servers, 0, random});
    REQUIRE(pick);
    ++servers[*pick].active;
    sequence.push_back(static_cast<int>(*pick));
  }
  CHECK(sequence == std::vector<int>{0, 0, 1, 1, 1, 2, 2, 2});
  servers[0].active = 1;  // a slot frees on the first server: it takes it back
  CHECK(first.pick({servers, 0, random}) == 0u);
}

TEST_CASE("first with unlimited servers always takes the first one in service", "[proxyd][balance][first]") {
  FirstAvailable first;
  SplitMix64 random(0);
  auto servers = weighted({1, 1, 1});
  servers[0].active = 1000;
  CHECK(tally(picks(first, servers, 50, random)) == std::map<int, std::size_t>{{0, 50}});
  servers[0].up = false;  // down mid-sequence: the next one in order
  CHECK(tally(picks(first, servers, 50, random)) == std::map<int, std::size_t>{{1, 50}});
  servers[0].up = true;
  CHECK(first.pick({servers, 0, random}) == 0u);
}

TEST_CASE("first takes the first backup when every primary is down", "[proxyd][balance][first]") {
  FirstAvailable first;
  SplitMix64 random(0);
  auto servers = weighted({1});
  servers.push_back(backup());
  servers.push_back(backup());
  servers[0].up = false;
  servers[1].maxconn = 1;
  CHECK(first.pick({servers, 0, random}) == 1u);
  servers[1].active = 1;
  CHECK(first.pick({servers, 0, random}) == 2u);
}
