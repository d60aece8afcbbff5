// `balance first`: the first candidate in declaration order, i.e. the first
// server in service with a free slot (active < maxconn, or maxconn 0 =
// unlimited). Fills servers one after the other, so the last ones can be
// powered down when idle. Weights other than 0 do not matter.
#pragma once

#include <cstddef>
#include <optional>

#include "proxyd/core/balance/balancer.h"

namespace proxyd::balance {

class FirstAvailable final : public Balancer {
 public:
  // Balancer
  std::optional<std::size_t> pick(const PickContext& context) override;
};

}  // namespace proxyd::balance
