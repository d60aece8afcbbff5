// `balance static-rr`: weighted round-robin over a precomputed schedule, so a
// pick costs O(1) in the common case whatever the weights. "Static" as in
// HAProxy: a weight changed at runtime is ignored until the set of servers in
// service changes (one goes down, comes back, or is drained to weight 0),
// which rebuilds the schedule from the weights of that moment.
//
// The schedule is one cycle of smooth weighted round-robin (round_robin.h),
// sum(weights) slots long, so with a stable set the sequence is the same as
// roundrobin's. A full server keeps its slots and is skipped when its turn
// comes (filling up is too frequent to rebuild for). Weights above kMaxWeight
// count as kMaxWeight, which bounds the schedule to kMaxWeight slots a server.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "proxyd/core/balance/balancer.h"

namespace proxyd::balance {

class StaticRoundRobin final : public Balancer {
 public:
  // Balancer
  std::optional<std::size_t> pick(const PickContext& context) override;

 private:
  // True when the servers in service differ from the schedule's.
  bool membership_changed(std::span<const ServerState> servers, Tier tier) const;
  void rebuild(std::span<const ServerState> servers, Tier tier);

  std::vector<std::uint32_t> weights_;  // per server at the last rebuild; 0 = not scheduled
  std::vector<std::size_t> schedule_;   // server indices, one cycle
  std::size_t cursor_ = 0;              // next slot; kept across rebuilds, like HAProxy
};

}  // namespace proxyd::balance
