#include "proxyd/core/balance/first_available.h"

namespace proxyd::balance {

std::optional<std::size_t> FirstAvailable::pick(const PickContext& context) {
  const auto tier = serving_tier(context.servers);
  if (!tier) return std::nullopt;
  for (std::size_t i = 0; i < context.servers.size(); ++i) {
    if (is_candidate(context.servers[i], *tier)) return i;
  }
  return std::nullopt;
}

}  // namespace proxyd::balance
