#include "proxyd/core/balance/random_choice.h"

#include "proxyd/core/balance/random_source.h"

namespace proxyd::balance {
namespace {

// Draws a candidate of <tier> other than <excluded> with probability
// proportional to weight; <total> is the sum of those candidates' weights.
std::size_t draw(const PickContext& context, Tier tier, std::uint64_t total, std::optional<std::size_t> excluded) {
  std::uint64_t ticket = uniform_below(context.random, total);
  std::size_t last = 0;
  for (std::size_t i = 0; i < context.servers.size(); ++i) {
    const auto& server = context.servers[i];
    if (i == excluded || !is_candidate(server, tier)) continue;
    if (ticket < server.weight) return i;
    ticket -= server.weight;
    last = i;
  }
  return last;  // unreachable when <total> is right
}

}  // namespace

std::optional<std::size_t> RandomChoice::pick(const PickContext& context) {
  const auto tier = serving_tier(context.servers);
  if (!tier) return std::nullopt;
  std::uint64_t total = 0;
  std::size_t candidates = 0;
  for (const auto& server : context.servers) {
    if (!is_candidate(server, *tier)) continue;
    total += server.weight;
    ++candidates;
  }
  if (candidates == 0) return std::nullopt;
  const std::size_t first = draw(context, *tier, total, std::nullopt);
  if (candidates == 1) return first;
  const std::size_t second = draw(context, *tier, total - context.servers[first].weight, first);
  return compare_load(context.servers[second], context.servers[first]) < 0 ? second : first;
}

}  // namespace proxyd::balance
