#include "proxyd/core/balance/static_round_robin.h"

#include <algorithm>

#include "proxyd/core/balance/round_robin.h"

namespace proxyd::balance {

std::optional<std::size_t> StaticRoundRobin::pick(const PickContext& context) {
  const auto tier = serving_tier(context.servers);
  if (!tier) return std::nullopt;
  if (membership_changed(context.servers, *tier)) rebuild(context.servers, *tier);
  // At most one lap: every scheduled server may be full.
  for (std::size_t tries = 0; tries < schedule_.size(); ++tries) {
    if (cursor_ >= schedule_.size()) cursor_ = 0;
    const std::size_t index = schedule_[cursor_++];
    if (context.servers[index].has_free_slot()) return index;
  }
  return std::nullopt;
}

bool StaticRoundRobin::membership_changed(std::span<const ServerState> servers, Tier tier) const {
  if (weights_.size() != servers.size()) return true;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (in_tier(servers[i], tier) != (weights_[i] > 0)) return true;
  }
  return false;
}

void StaticRoundRobin::rebuild(std::span<const ServerState> servers, Tier tier) {
  weights_.assign(servers.size(), 0);
  std::size_t total = 0;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (!in_tier(servers[i], tier)) continue;
    weights_[i] = std::min(servers[i].weight, kMaxWeight);
    total += weights_[i];
  }
  schedule_.clear();
  schedule_.reserve(total);
  std::vector<std::int64_t> credit;
  for (std::size_t slot = 0; slot < total; ++slot) {
    // Never nullopt: total > 0 means some weight is non-zero.
    schedule_.push_back(*smooth_weighted_step(weights_, credit));
  }
}

}  // namespace proxyd::balance
