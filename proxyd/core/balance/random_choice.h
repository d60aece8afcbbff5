// `balance random`: power of two random choices (Mitzenmacher 2001). Two
// distinct candidates are drawn with probability proportional to weight, and
// the less loaded one relative to weight wins (compare_load; the first drawn
// on a tie). Nearly as even as leastconn, without its herd effect when many
// connections arrive at once, and with no shared cursor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "proxyd/core/balance/balancer.h"

namespace proxyd::balance {

class RandomChoice final : public Balancer {
 public:
  // Balancer
  std::optional<std::size_t> pick(const PickContext& context) override;
};

}  // namespace proxyd::balance
