// Helpers for the balancer tests: server lists, a scripted random source and
// pick sequences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <utility>
#include <vector>

#include "proxyd/core/balance/balancer.h"

namespace balance_test {

using proxyd::balance::Balancer;
using proxyd::balance::PickContext;
using proxyd::balance::RandomSource;
using proxyd::balance::ServerState;

// Returns the given values in order, then starts over: draws are exact.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<std::uint64_t> values) : values_(std::move(values)) {}
  std::uint64_t next() override {
    const auto value = values_[next_ % values_.size()];
    ++next_;
    return value;
  }
  std::size_t draws() const { return next_; }

 private:
  std::vector<std::uint64_t> values_;
  std::size_t next_ = 0;
};

// Primaries with the given weights, all up, no limits.
inline std::vector<ServerState> weighted(std::initializer_list<std::uint32_t> weights) {
  std::vector<ServerState> servers;
  for (const auto w : weights) servers.push_back(ServerState{.weight = w});
  return servers;
}

inline ServerState backup(std::uint32_t weight = 1) {
  return ServerState{.weight = weight, .backup = true};
}

// <count> picks; nullopt results are recorded as -1.
inline std::vector<int> picks(Balancer& balancer, const std::vector<ServerState>& servers, std::size_t count,
                              RandomSource& random, std::uint64_t client_key = 0) {
  std::vector<int> out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto pick = balancer.pick(PickContext{servers, client_key, random});
    out.push_back(pick ? static_cast<int>(*pick) : -1);
  }
  return out;
}

// How many times each index was picked.
inline std::map<int, std::size_t> tally(const std::vector<int>& picks) {
  std::map<int, std::size_t> counts;
  for (const int p : picks) ++counts[p];
  return counts;
}

}  // namespace balance_test
