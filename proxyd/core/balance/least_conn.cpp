#include "proxyd/core/balance/least_conn.h"

namespace proxyd::balance {

std::optional<std::size_t> LeastConn::pick(const PickContext& context) {
  const auto tier = serving_tier(context.servers);
  if (!tier) return std::nullopt;
  const std::size_t count = context.servers.size();
  std::optional<std::size_t> best;
  for (std::size_t step = 0; step < count; ++step) {
    const std::size_t i = (next_ + step) % count;
    const auto& server = context.servers[i];
    if (!is_candidate(server, *tier)) continue;
    // Strictly less: on a tie the first one met after the last pick stays.
    if (!best || compare_load(server, context.servers[*best]) < 0) best = i;
  }
  if (best) next_ = (*best + 1) % count;
  return best;
}

}  // namespace proxyd::balance
