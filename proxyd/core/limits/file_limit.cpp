#include "proxyd/core/limits/file_limit.h"

#include <algorithm>

namespace proxyd::limits {

std::uint64_t descriptors_needed(const config::ProxyConfig& config) {
  std::uint64_t needed = std::uint64_t{config.global.maxconn} * 2 + kReserve;
  for (const auto& f : config.frontends) needed += f.binds.size();
  for (const auto& b : config.backends) needed += b.servers.size();
  if (config.stats) needed += config.stats->binds.size();
  return needed;
}

FileLimitPlan plan_file_limit(std::uint64_t soft, std::uint64_t hard, std::uint64_t needed) {
  FileLimitPlan plan;
  plan.needed = needed;
  plan.soft = std::max(soft, std::min(needed, hard));
  plan.short_of_needed = hard < needed;
  return plan;
}

}  // namespace proxyd::limits
