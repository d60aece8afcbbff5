// `balance uri` and `balance hdr(NAME)`: a hash of the request (its path, or
// the value of a header) picks the server, so the same resource keeps
// landing on the same server (cache affinity). The session computes the key
// with hash_text() and passes it as PickContext::request_key.
//
// Two mappings (`hash_type`):
//   * Map (HAProxy's default): the servers in service of the serving tier
//     form a table in which each takes <weight> slots, in configuration
//     order; the key modulo the total weight picks the slot. Cheap and
//     exactly proportional, but any change of the set remaps most keys.
//   * Consistent: the weighted rendezvous hashing of `balance source`
//     (source_hash.h): a server leaving moves only its own keys.
// A full server is skipped: with Map the key overflows to the next candidate
// in table order, with Consistent to its second-ranked server.
// A request without a key (no such header) is balanced by smooth weighted
// round robin instead, as HAProxy does.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "proxyd/core/balance/balancer.h"
#include "proxyd/core/balance/round_robin.h"
#include "proxyd/core/config/proxy_config.h"

namespace proxyd::balance {

// A 64-bit non-cryptographic hash of <text> (FNV-1a, then the mix64
// finalizer so that the low bits used by the modulo are well spread).
// Stable across runs and builds: keys survive a restart.
std::uint64_t hash_text(std::string_view text);

class RequestHash final : public Balancer {
 public:
  explicit RequestHash(config::HashType hash_type) : hash_type_(hash_type) {}

  // Balancer
  std::optional<std::size_t> pick(const PickContext& context) override;

 private:
  config::HashType hash_type_;
  RoundRobin fallback_;  // requests without a key
};

}  // namespace proxyd::balance
