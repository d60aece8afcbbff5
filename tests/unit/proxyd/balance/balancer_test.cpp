#include "proxyd/core/balance/balancer.h"

#include <catch2/catch.hpp>
#include <set>

#include "balance_test_support.h"
#include "proxyd/core/balance/balancer_factory.h"
#include "proxyd/core/balance/first_available.h"
#include "proxyd/core/balance/least_conn.h"
#include "proxyd/core/balance/random_choice.h"
#include "proxyd/core/balance/round_robin.h"
#include "proxyd/core/balance/source_hash.h"
#include "proxyd/core/balance/static_round_robin.h"

using namespace proxyd::balance;
using namespace balance_test;
using proxyd::config::Balance;

namespace {

// Uri and Header without a request key: their round-robin fallback.
const Balance kAll[] = {Balance::RoundRobin, Balance::StaticRr, Balance::LeastConn, Balance::Source,
                        Balance::First,      Balance::Random,   Balance::Uri,       Balance::Header};

}  // namespace

TEST_CASE("the serving tier is the primaries while one is in service", "[proxyd][balance]") {
  auto servers = weighted({1, 1});
  servers.push_back(backup());
  CHECK(serving_tier(servers) == Tier::Primary);

  servers[0].up = false;
  CHECK(serving_tier(servers) == Tier::Primary);

  servers[1].ready = false;  // maintenance
  CHECK(serving_tier(servers) == Tier::Backup);

  servers[1].ready = true;
  servers[1].weight = 0;  // drained: not in service either
  CHECK(serving_tier(servers) == Tier::Backup);

  servers[2].up = false;
  CHECK(serving_tier(servers) == std::nullopt);
}

TEST_CASE("full primaries keep the tier: the caller queues instead of spilling to backups", "[proxyd][balance]") {
  auto servers = weighted({1});
  servers[0].maxconn = 2;
  servers[0].active = 2;
  servers.push_back(backup());
  CHECK(serving_tier(servers) == Tier::Primary);
  CHECK_FALSE(is_candidate(servers[0], Tier::Primary));
  CHECK(in_tier(servers[0], Tier::Primary));
  CHECK_FALSE(is_candidate(servers[1], Tier::Primary));
  CHECK(is_candidate(servers[1], Tier::Backup));
}

TEST_CASE("load is compared relative to weight, counting the new connection", "[proxyd][balance]") {
  const ServerState light{.weight = 2, .active = 1};  // (1+1)/2 = 1
  const ServerState heavy{.weight = 1, .active = 1};  // (1+1)/1 = 2
  const ServerState idle{.weight = 1, .active = 0};   // (0+1)/1 = 1
  CHECK(std::is_lt(compare_load(light, heavy)));
  CHECK(std::is_gt(compare_load(heavy, light)));
  CHECK(std::is_eq(compare_load(light, idle)));
}

TEST_CASE("the factory builds the strategy named by the config", "[proxyd][balance]") {
  CHECK(dynamic_cast<RoundRobin*>(make_balancer(Balance::RoundRobin).get()));
  CHECK(dynamic_cast<StaticRoundRobin*>(make_balancer(Balance::StaticRr).get()));
  CHECK(dynamic_cast<LeastConn*>(make_balancer(Balance::LeastConn).get()));
  CHECK(dynamic_cast<SourceHash*>(make_balancer(Balance::Source).get()));
  CHECK(dynamic_cast<FirstAvailable*>(make_balancer(Balance::First).get()));
  CHECK(dynamic_cast<RandomChoice*>(make_balancer(Balance::Random).get()));
}

TEST_CASE("every algorithm returns nullopt when all servers are down", "[proxyd][balance]") {
  SplitMix64 random(1);
  for (const auto algorithm : kAll) {
    auto balancer = make_balancer(algorithm);
    auto servers = weighted({1, 2});
    servers.push_back(backup());
    for (auto& s : servers) s.up = false;
    CAPTURE(static_cast<int>(algorithm));
    CHECK(balancer->pick({servers, 42, random}) == std::nullopt);
    CHECK(balancer->pick({{}, 42, random}) == std::nullopt);  // no servers at all
  }
}

TEST_CASE("every algorithm never picks a weight 0, down or maintenance server", "[proxyd][balance]") {
  SplitMix64 random(2);
  for (const auto algorithm : kAll) {
    auto balancer = make_balancer(algorithm);
    auto servers = weighted({0, 1, 1, 1});
    servers[2].up = false;
    servers[3].ready = false;
    CAPTURE(static_cast<int>(algorithm));
    for (std::uint64_t key = 0; key < 200; ++key) CHECK(balancer->pick({servers, key, random}) == 1u);
    servers[1].weight = 0;
    CHECK(balancer->pick({servers, 7, random}) == std::nullopt);
  }
}

TEST_CASE("every algorithm always picks a lone server", "[proxyd][balance]") {
  SplitMix64 random(3);
  for (const auto algorithm : kAll) {
    auto balancer = make_balancer(algorithm);
    const auto servers = weighted({5});
    CAPTURE(static_cast<int>(algorithm));
    for (std::uint64_t key = 0; key < 50; ++key) CHECK(balancer->pick({servers, key, random}) == 0u);
  }
}

TEST_CASE("every algorithm moves to the backups only when no primary is in service", "[proxyd][balance]") {
  SplitMix64 random(4);
  for (const auto algorithm : kAll) {
    auto balancer = make_balancer(algorithm);
    auto servers = weighted({1, 1});
    servers.push_back(backup());
    servers.push_back(backup());
    CAPTURE(static_cast<int>(algorithm));
    for (std::uint64_t key = 0; key < 50; ++key) CHECK(*balancer->pick({servers, key, random}) < 2u);

    servers[0].up = false;
    servers[1].up = false;
    std::set<std::size_t> chosen;
    for (std::uint64_t key = 0; key < 200; ++key) chosen.insert(*balancer->pick({servers, key, random}));
    // The same algorithm over the backups: both serve, except `first`.
    if (algorithm == Balance::First) {
      CHECK(chosen == std::set<std::size_t>{2});
    } else {
      CHECK(chosen == std::set<std::size_t>{2, 3});
    }

    servers[1].up = true;  // a primary is back: the backups stop at once
    for (std::uint64_t key = 0; key < 50; ++key) CHECK(balancer->pick({servers, key, random}) == 1u);
  }
}

TEST_CASE("every algorithm skips full servers and returns nullopt when the tier is full", "[proxyd][balance]") {
  SplitMix64 random(5);
  for (const auto algorithm : kAll) {
    auto balancer = make_balancer(algorithm);
    auto servers = weighted({1, 1});
    servers.push_back(backup());
    servers[0].maxconn = 3;
    servers[0].active = 3;
    CAPTURE(static_cast<int>(algorithm));
    for (std::uint64_t key = 0; key < 50; ++key) CHECK(balancer->pick({servers, key, random}) == 1u);
    servers[1].maxconn = 1;
    servers[1].active = 1;
    CHECK(balancer->pick({servers, 9, random}) == std::nullopt);  // not the backup
    servers[0].active = 2;                                        // a slot frees up
    CHECK(balancer->pick({servers, 9, random}) == 0u);
  }
}
