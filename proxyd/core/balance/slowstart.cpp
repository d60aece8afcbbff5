#include "proxyd/core/balance/slowstart.h"

#include <algorithm>

namespace proxyd::balance {

bool ramps_weights(config::Balance balance) {
  using config::Balance;
  return balance == Balance::RoundRobin || balance == Balance::LeastConn || balance == Balance::Random;
}

std::uint32_t slowstart_weight(std::uint32_t weight, common::Duration elapsed, common::Duration period) {
  const std::uint64_t full = std::uint64_t{weight} * kWeightScale;
  if (weight == 0 || period.count() <= 0 || elapsed >= period) return static_cast<std::uint32_t>(full);
  const auto done = static_cast<std::uint64_t>(std::max<common::Duration::rep>(elapsed.count(), 0));
  const auto total = static_cast<std::uint64_t>(period.count());
  // Rounded up: the first instant already gets a share, as HAProxy's ramp.
  const std::uint64_t ramped = (full * done + total - 1) / total;
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(ramped, 1, full));
}

std::uint32_t slowstart_percent(common::Duration elapsed, common::Duration period) {
  if (period.count() <= 0 || elapsed >= period) return 100;
  if (elapsed.count() <= 0) return 0;
  return static_cast<std::uint32_t>(elapsed.count() * 100 / period.count());
}

}  // namespace proxyd::balance
