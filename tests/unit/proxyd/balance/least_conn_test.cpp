#include "proxyd/core/balance/least_conn.h"

#include <catch2/catch.hpp>

#include "balance_test_support.h"

using namespace proxyd::balance;
using namespace balance_test;

namespace {

constexpr int a = 0, b = 1, c = 2;

// Picks <count> times, counting each pick as a new connection that stays open.
std::vector<int> open_connections(LeastConn& balancer, std::vector<ServerState>& servers, std::size_t count) {
  SplitMix64 random(0);
  std::vector<int> out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto pick = balancer.pick({servers, 0, random});
    REQUIRE(pick);
    ++servers[*pick].active;
    out.push_back(static_cast<int>(*pick));
  }
  return out;
}

}  // namespace

TEST_CASE("leastconn picks the server with the fewest connections", "[proxyd][balance][leastconn]") {
  LeastConn lc;
  SplitMix64 random(0);
  auto servers = weighted({1, 1, 1});
  servers[a].active = 5;
  servers[b].active = 2;
  servers[c].active = 7;
  CHECK(picks(lc, servers, 3, random) == std::vector<int>{b, b, b});
}

TEST_CASE("leastconn breaks ties round-robin", "[proxyd][balance][leastconn]") {
  LeastConn lc;
  SplitMix64 random(0);
  auto servers = weighted({1, 1, 1});
  CHECK(picks(lc, servers, 7, random) == std::vector<int>{a, b, c, a, b, c, a});
  servers[a].active = 1;  // only b and c tie now; the rotation goes on from a
  CHECK(picks(lc, servers, 4, random) == std::vector<int>{b, c, b, c});
}

TEST_CASE("leastconn weighs connections by server weight", "[proxyd][balance][leastconn]") {
  LeastConn lc;
  SplitMix64 random(0);
  auto servers = weighted({3, 1});
  servers[a].active = 2;  // (2+1)/3 = 1
  servers[b].active = 0;  // (0+1)/1 = 1: a tie, taken round-robin
  CHECK(picks(lc, servers, 2, random) == std::vector<int>{a, b});
  servers[a].active = 3;  // 4/3 > 1
  CHECK(picks(lc, servers, 1, random) == std::vector<int>{b});
}

TEST_CASE("leastconn fills servers in proportion to weight as connections open", "[proxyd][balance][leastconn]") {
  LeastConn lc;
  auto servers = weighted({3, 1});
  const auto sequence = open_connections(lc, servers, 400);
  CHECK(tally(sequence) == std::map<int, std::size_t>{{a, 300}, {b, 100}});
  CHECK(servers[a].active == 300);
  CHECK(servers[b].active == 100);
}

TEST_CASE("leastconn sends new connections to the server whose connections closed", "[proxyd][balance][leastconn]") {
  LeastConn lc;
  auto servers = weighted({1, 1, 1});
  open_connections(lc, servers, 30);
  CHECK(servers[a].active == 10);
  servers[b].active = 4;  // six of b's connections ended
  CHECK(open_connections(lc, servers, 6) == std::vector<int>{b, b, b, b, b, b});
  // All tied again: the rotation resumes after b.
  CHECK(open_connections(lc, servers, 3) == std::vector<int>{c, a, b});
}

TEST_CASE("leastconn skips a down server mid-sequence and a full one", "[proxyd][balance][leastconn]") {
  LeastConn lc;
  SplitMix64 random(0);
  auto servers = weighted({1, 1, 1});
  CHECK(picks(lc, servers, 2, random) == std::vector<int>{a, b});
  servers[c].up = false;
  CHECK(picks(lc, servers, 3, random) == std::vector<int>{a, b, a});
  servers[a].maxconn = 1;
  servers[a].active = 1;
  servers[c].up = true;
  CHECK(picks(lc, servers, 3, random) == std::vector<int>{b, c, b});
}
