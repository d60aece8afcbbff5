#include "proxyd/core/balance/round_robin.h"

namespace proxyd::balance {

std::optional<std::size_t> smooth_weighted_step(std::span<const std::uint32_t> weights,
                                                std::vector<std::int64_t>& credit) {
  credit.resize(weights.size(), 0);
  std::int64_t total = 0;
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] == 0) continue;
    credit[i] += weights[i];
    total += weights[i];
    if (!best || credit[i] > credit[*best]) best = i;
  }
  if (best) credit[*best] -= total;
  return best;
}

std::optional<std::size_t> RoundRobin::pick(const PickContext& context) {
  const auto tier = serving_tier(context.servers);
  if (!tier) return std::nullopt;
  weights_.assign(context.servers.size(), 0);
  credit_.resize(context.servers.size(), 0);
  for (std::size_t i = 0; i < context.servers.size(); ++i) {
    const auto& server = context.servers[i];
    if (!in_tier(server, *tier)) {
      credit_[i] = 0;
    } else if (server.has_free_slot()) {
      weights_[i] = server.weight;
    }
  }
  return smooth_weighted_step(weights_, credit_);
}

}  // namespace proxyd::balance
