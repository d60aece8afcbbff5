// The load-balancing strategy interface and what every strategy shares: the
// per-server state it decides on, the serving tier (primaries or backups) and
// the weight-relative load order.
//
// Rules common to all algorithms:
//   * a server is a candidate when it is up, admin-ready, has weight > 0 and
//     a free connection slot (active < maxconn, or maxconn 0 = unlimited);
//   * backups serve only when no primary is in service (up, ready, weight >
//     0); they are then balanced by the same algorithm;
//   * a full server is skipped, but a full primary tier does not spill over
//     to the backups: pick() returns nullopt and the caller queues, as
//     HAProxy does (serving_tier() tells "all full" from "all down").
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proxyd/core/balance/random_source.h"

namespace proxyd::balance {

// Highest configurable server weight (HAProxy's limit too).
inline constexpr std::uint32_t kMaxWeight = 256;

// What a balancer sees of one server at pick time. The caller keeps the
// vector in configuration order and the same length for a balancer's life.
struct ServerState {
  std::uint32_t weight = 1;   // effective weight; 0 = never chosen
  std::uint32_t active = 0;   // connections currently assigned
  std::uint32_t maxconn = 0;  // 0 = unlimited
  bool up = true;             // passing health checks (or not checked)
  bool ready = true;          // admin state: not in maintenance
  bool backup = false;

  // Below maxconn (or unlimited).
  bool has_free_slot() const { return maxconn == 0 || active < maxconn; }
  // In the rotation, whether or not it has room right now.
  bool in_service() const { return up && ready && weight > 0; }
  // May take a connection now.
  bool usable() const { return in_service() && has_free_slot(); }
};

enum class Tier { Primary, Backup };

// The tier serving traffic: primaries when one is in service, else backups
// when one is; nullopt when every server is down, in maintenance or weight 0.
std::optional<Tier> serving_tier(std::span<const ServerState> servers);

// True when <server> is in service in <tier> (full or not).
bool in_tier(const ServerState& server, Tier tier);

// True when <server> is in service in <tier> and has a free slot now.
bool is_candidate(const ServerState& server, Tier tier);

// Orders servers by load relative to weight, (active + 1) / weight, i.e. the
// load each would carry after taking this connection (HAProxy's leastconn
// key). Compared by cross-multiplication: exact, no division.
std::weak_ordering compare_load(const ServerState& a, const ServerState& b);

struct PickContext {
  std::span<const ServerState> servers;
  std::uint64_t client_key = 0;  // source hashing: source_key(client address)
  RandomSource& random;          // random: the injected source
  // uri and hdr(NAME) hashing: the hash of the request's path or header
  // value (hash_text); nullopt (no such header) falls back to round robin.
  // Last, so that {servers, key, random} still initializes the rest.
  std::optional<std::uint64_t> request_key = std::nullopt;
};

class Balancer {
 public:
  virtual ~Balancer() = default;
  // Index (into context.servers) of the server for the next connection, or
  // nullopt when no candidate exists. Does not change the server states: the
  // caller counts the connection in ServerState::active.
  virtual std::optional<std::size_t> pick(const PickContext& context) = 0;
};

}  // namespace proxyd::balance
