// `balance leastconn`: the candidate with the lowest load relative to its
// weight, (active + 1) / weight (compare_load in balancer.h). Ties go
// round-robin: the scan starts just after the previous pick, so equally
// loaded servers take turns instead of the first one taking every burst.
#pragma once

#include <cstddef>
#include <optional>

#include "proxyd/core/balance/balancer.h"

namespace proxyd::balance {

class LeastConn final : public Balancer {
 public:
  // Balancer
  std::optional<std::size_t> pick(const PickContext& context) override;

 private:
  std::size_t next_ = 0;  // where the next scan starts
};

}  // namespace proxyd::balance
