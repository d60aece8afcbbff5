// `balance roundrobin`: nginx's smooth weighted round-robin. Weights are read
// at every pick, so a weight changed at runtime takes effect at once.
//
// Each pick, every candidate's credit grows by its weight; the candidate with
// the most credit wins (the first in declaration order on a tie) and pays the
// sum of the candidates' weights. Over any window of sum(weights) picks with
// an unchanged set, each server is chosen exactly <weight> times, spread out:
// weights 3:1 give a a b a, 5:1:1 give a a b a c a a.
//
// A full server is skipped and keeps its credit (as in nginx); a server out of
// service forgets it, so it rejoins without a burst or a debt.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proxyd/core/balance/balancer.h"

namespace proxyd::balance {

// One smooth weighted round-robin step over <weights> (0 = skip this time,
// credit untouched). <credit> is the algorithm's memory, resized to
// weights.size(). Returns the chosen index, nullopt when every weight is 0.
std::optional<std::size_t> smooth_weighted_step(std::span<const std::uint32_t> weights,
                                                std::vector<std::int64_t>& credit);

class RoundRobin final : public Balancer {
 public:
  // Balancer
  std::optional<std::size_t> pick(const PickContext& context) override;

 private:
  std::vector<std::int64_t> credit_;
  std::vector<std::uint32_t> weights_;  // scratch, kept to avoid reallocating
};

}  // namespace proxyd::balance
