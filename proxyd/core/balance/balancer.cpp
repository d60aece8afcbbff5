#include "proxyd/core/balance/balancer.h"

namespace proxyd::balance {

std::optional<Tier> serving_tier(std::span<const ServerState> servers) {
  bool backup_in_service = false;
  for (const auto& server : servers) {
    if (!server.in_service()) continue;
    if (!server.backup) return Tier::Primary;
    backup_in_service = true;
  }
  if (backup_in_service) return Tier::Backup;
  return std::nullopt;
}

bool in_tier(const ServerState& server, Tier tier) {
  return server.in_service() && server.backup == (tier == Tier::Backup);
}

bool is_candidate(const ServerState& server, Tier tier) {
  return in_tier(server, tier) && server.has_free_slot();
}

std::weak_ordering compare_load(const ServerState& a, const ServerState& b) {
  // 64-bit products of 32-bit values cannot overflow.
  const auto a_load = (std::uint64_t{a.active} + 1) * b.weight;
  const auto b_load = (std::uint64_t{b.active} + 1) * a.weight;
  return a_load <=> b_load;
}

}  // namespace proxyd::balance
