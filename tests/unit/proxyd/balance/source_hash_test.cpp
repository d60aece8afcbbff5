#include "proxyd/core/balance/source_hash.h"

#include <catch2/catch.hpp>

#include "balance_test_support.h"

using namespace proxyd::balance;
using namespace balance_test;
using common::net::IpAddress;

namespace {

constexpr std::size_t kClients = 20000;

// The server of each of kClients clients 10.x.y.z.
std::vector<int> assignment(SourceHash& balancer, const std::vector<ServerState>& servers) {
  SplitMix64 random(0);
  std::vector<int> out;
  for (std::uint32_t i = 0; i < kClients; ++i) {
    const auto key = source_key(IpAddress::v4(0x0a000000u + i));
    const auto pick = balancer.pick({servers, key, random});
    out.push_back(pick ? static_cast<int>(*pick) : -1);
  }
  return out;
}

}  // namespace

TEST_CASE("source keys depend on the address only", "[proxyd][balance][source]") {
  const auto v4 = *IpAddress::parse("192.0.2.7");
  CHECK(source_key(v4) == source_key(*IpAddress::parse("192.0.2.7")));
  CHECK(source_key(v4) != source_key(*IpAddress::parse("192.0.2.8")));
  CHECK(source_key(v4) != source_key(*IpAddress::parse("::ffff:192.0.2.7")));
  CHECK(source_key(*IpAddress::parse("2001:db8::1")) != source_key(*IpAddress::parse("2001:db8::2")));
}

TEST_CASE("source sends a client to the same server every time", "[proxyd][balance][source]") {
  SourceHash source;
  const auto servers = weighted({1, 1, 1, 1});
  const auto first = assignment(source, servers);
  CHECK(assignment(source, servers) == first);
  SourceHash other;  // no hidden state: another instance agrees
  CHECK(assignment(other, servers) == first);
}

TEST_CASE("source spreads clients in proportion to weight", "[proxyd][balance][source]") {
  SourceHash source;
  const auto counts = tally(assignment(source, weighted({1, 1, 2})));
  // Expected 5000/5000/10000; a hash is not exact, so allow 3%.
  CHECK(counts.at(0) == Approx(5000).epsilon(0.03));
  CHECK(counts.at(1) == Approx(5000).epsilon(0.03));
  CHECK(counts.at(2) == Approx(10000).epsilon(0.03));
}

TEST_CASE("source moves only the clients of a server that goes down, and brings them back",
          "[proxyd][balance][source]") {
  SourceHash source;
  auto servers = weighted({1, 1, 1, 1});
  const auto before = assignment(source, servers);
  servers[2].up = false;
  const auto during = assignment(source, servers);
  std::size_t moved = 0;
  std::map<int, std::size_t> moved_to;
  for (std::size_t i = 0; i < kClients; ++i) {
    if (before[i] != 2) {
      CHECK(during[i] == before[i]);  // untouched
    } else {
      ++moved;
      ++moved_to[during[i]];
    }
  }
  CHECK(moved == Approx(kClients / 4).epsilon(0.05));
  CHECK(moved_to.count(2) == 0);
  // The orphans spread over the three others, not onto one of them.
  for (const int s : {0, 1, 3}) CHECK(moved_to[s] == Approx(static_cast<double>(moved) / 3).epsilon(0.1));
  servers[2].up = true;
  CHECK(assignment(source, servers) == before);
}

TEST_CASE("source overflows a full server's clients to their next choice", "[proxyd][balance][source]") {
  SourceHash source;
  SplitMix64 random(0);
  auto servers = weighted({1, 1, 1});
  const auto key = source_key(*IpAddress::parse("198.51.100.20"));
  const auto home = *source.pick({servers, key, random});
  servers[home].maxconn = 1;
  servers[home].active = 1;
  const auto overflow = source.pick({servers, key, random});
  REQUIRE(overflow);
  CHECK(*overflow != home);
  servers[home].active = 0;
  CHECK(source.pick({servers, key, random}) == home);
}
