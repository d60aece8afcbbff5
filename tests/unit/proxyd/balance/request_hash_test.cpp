#include "proxyd/core/balance/request_hash.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "balance_test_support.h"
#include "proxyd/core/balance/balancer_factory.h"
#include "proxyd/core/balance/round_robin.h"
#include "proxyd/core/balance/source_hash.h"

using namespace proxyd::balance;
using namespace balance_test;
using proxyd::config::Balance;
using proxyd::config::HashType;

namespace {

constexpr std::size_t kPaths = 20000;

std::optional<std::size_t> pick_path(Balancer& balancer, const std::vector<ServerState>& servers,
                                     std::string_view path) {
  SplitMix64 random(0);
  return balancer.pick(PickContext{servers, 0, random, hash_text(path)});
}

// The server of each of kPaths request paths.
std::vector<int> assignment(Balancer& balancer, const std::vector<ServerState>& servers) {
  std::vector<int> out;
  for (std::size_t i = 0; i < kPaths; ++i) {
    const auto pick = pick_path(balancer, servers, fmt::format("/static/img/{}.png", i));
    out.push_back(pick ? static_cast<int>(*pick) : -1);
  }
  return out;
}

}  // namespace

TEST_CASE("hash_text is a stable, well-spread 64-bit hash", "[proxyd][balance][request_hash]") {
  CHECK(hash_text("/index.html") == hash_text(std::string("/index.html")));
  CHECK(hash_text("/index.html") != hash_text("/index.htm"));
  CHECK(hash_text("") != hash_text("/"));
  // Fixed values: the hash must not change between builds (keys survive restarts).
  CHECK(hash_text("") == mix64(0xcbf29ce484222325ULL));
  // Neighbouring inputs differ in about half of their bits.
  std::size_t bits = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto a = hash_text(fmt::format("/p{}", i));
    const auto b = hash_text(fmt::format("/p{}", i + 1));
    bits += static_cast<std::size_t>(__builtin_popcountll(a ^ b));
  }
  CHECK(static_cast<double>(bits) / 1000 == Approx(32).epsilon(0.05));
}

TEST_CASE("the factory builds request hashing for uri and hdr", "[proxyd][balance][request_hash]") {
  CHECK(dynamic_cast<RequestHash*>(make_balancer(Balance::Uri).get()));
  CHECK(dynamic_cast<RequestHash*>(make_balancer(Balance::Header, HashType::Consistent).get()));
  CHECK(dynamic_cast<SourceHash*>(make_balancer(Balance::Source, HashType::Map).get()));
}

TEST_CASE("the same path always goes to the same server", "[proxyd][balance][request_hash]") {
  for (const auto type : {HashType::Map, HashType::Consistent}) {
    CAPTURE(static_cast<int>(type));
    RequestHash balancer(type);
    const auto servers = weighted({1, 1, 1, 1});
    const auto first = assignment(balancer, servers);
    CHECK(assignment(balancer, servers) == first);
    RequestHash other(type);  // no hidden state
    CHECK(assignment(other, servers) == first);
    CHECK(tally(first).size() == 4);
  }
}

TEST_CASE("paths spread in proportion to weight", "[proxyd][balance][request_hash]") {
  for (const auto type : {HashType::Map, HashType::Consistent}) {
    CAPTURE(static_cast<int>(type));
    RequestHash balancer(type);
    const auto counts = tally(assignment(balancer, weighted({1, 1, 2})));
    CHECK(counts.at(0) == Approx(5000).epsilon(0.04));
    CHECK(counts.at(1) == Approx(5000).epsilon(0.04));
    CHECK(counts.at(2) == Approx(10000).epsilon(0.04));
  }
}

TEST_CASE("map hashing takes the key modulo the total weight", "[proxyd][balance][request_hash]") {
  RequestHash balancer(HashType::Map);
  SplitMix64 random(0);
  const auto servers = weighted({1, 2, 1});  // slots: 0 -> s0, 1-2 -> s1, 3 -> s2
  const auto pick = [&](std::uint64_t key) { return balancer.pick(PickContext{servers, 0, random, key}); };
  CHECK(pick(0) == 0u);
  CHECK(pick(1) == 1u);
  CHECK(pick(2) == 1u);
  CHECK(pick(3) == 2u);
  CHECK(pick(4) == 0u);
  CHECK(pick(4000003) == 2u);
}

TEST_CASE("map hashing overflows a full server to the next candidate", "[proxyd][balance][request_hash]") {
  RequestHash balancer(HashType::Map);
  SplitMix64 random(0);
  auto servers = weighted({1, 1, 1});
  servers[2].maxconn = 1;
  servers[2].active = 1;
  const auto pick = [&](std::uint64_t key) { return balancer.pick(PickContext{servers, 0, random, key}); };
  CHECK(pick(1) == 1u);
  CHECK(pick(2) == 0u);   // wraps around
  servers[2].up = false;  // down, not full: the table shrinks to two servers
  CHECK(pick(2) == 0u);
  CHECK(pick(3) == 1u);
}

TEST_CASE("consistent hashing moves only the keys of a server that leaves", "[proxyd][balance][request_hash]") {
  RequestHash balancer(HashType::Consistent);
  auto servers = weighted({1, 1, 1, 1});
  const auto before = assignment(balancer, servers);
  servers[1].up = false;
  const auto during = assignment(balancer, servers);
  std::size_t moved = 0;
  for (std::size_t i = 0; i < kPaths; ++i) {
    if (before[i] == 1) {
      ++moved;
      CHECK(during[i] != 1);
    } else {
      CHECK(during[i] == before[i]);
    }
  }
  CHECK(moved == Approx(kPaths / 4).epsilon(0.05));
  servers[1].up = true;
  CHECK(assignment(balancer, servers) == before);
}

TEST_CASE("consistent request hashing agrees with source hashing for the same key", "[proxyd][balance][request_hash]") {
  RequestHash balancer(HashType::Consistent);
  SourceHash source;
  SplitMix64 random(0);
  const auto servers = weighted({1, 3, 2});
  for (std::uint64_t key = 0; key < 500; ++key) {
    const auto k = hash_text(std::to_string(key));
    CHECK(balancer.pick(PickContext{servers, 0, random, k}) == source.pick(PickContext{servers, k, random}));
    CHECK(rendezvous_pick(servers, k) == source.pick(PickContext{servers, k, random}));
  }
}

TEST_CASE("a request without a key is balanced by round robin", "[proxyd][balance][request_hash]") {
  for (const auto type : {HashType::Map, HashType::Consistent}) {
    CAPTURE(static_cast<int>(type));
    RequestHash balancer(type);
    RoundRobin reference;
    SplitMix64 random(0);
    const auto servers = weighted({3, 1, 2});
    CHECK(picks(balancer, servers, 12, random) == picks(reference, servers, 12, random));
    CHECK(picks(balancer, servers, 6, random) == std::vector<int>{0, 2, 0, 1, 2, 0});
  }
}

TEST_CASE("request hashing follows the common balancer rules", "[proxyd][balance][request_hash]") {
  for (const auto type : {HashType::Map, HashType::Consistent}) {
    CAPTURE(static_cast<int>(type));
    RequestHash balancer(type);
    SplitMix64 random(0);
    auto servers = weighted({0, 1, 1, 1});
    servers[2].up = false;
    servers[3].ready = false;
    servers.push_back(backup());
    servers.push_back(backup());
    for (std::uint64_t key = 0; key < 200; ++key) CHECK(balancer.pick({servers, 0, random, key}) == 1u);

    servers[1].up = false;  // primaries gone: both backups serve
    std::set<std::size_t> chosen;
    for (std::uint64_t key = 0; key < 200; ++key)
      chosen.insert(*balancer.pick({servers, 0, random, hash_text(std::to_string(key))}));
    CHECK(chosen == std::set<std::size_t>{4, 5});

    servers[1].up = true;
    servers[1].maxconn = 1;
    servers[1].active = 1;  // the primary tier is full: no spill to the backups
    CHECK(balancer.pick({servers, 0, random, 7}) == std::nullopt);
    for (auto& s : servers) s.up = false;
    CHECK(balancer.pick({servers, 0, random, 7}) == std::nullopt);
    CHECK(balancer.pick({{}, 0, random, 7}) == std::nullopt);
  }
}
