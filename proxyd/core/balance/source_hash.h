// `balance source`: the client address picks the server, so a client keeps
// landing on the same one.
//
// Mapping: weighted rendezvous hashing (highest random weight; Thaler and
// Ravishankar 1998, weighted form of Schindelhauer and Schomaker 2005). Each
// (client, server index) pair gets a pseudo-random score -ln(u) / weight, and
// the lowest score wins. Hence:
//   * with an unchanged candidate set, a client always gets the same server;
//   * when a server leaves, only its clients move (spread over the others in
//     proportion to weight), and they come back when it returns;
//   * a server's share of clients is proportional to its weight.
// Servers are identified by their index in the configuration, so reordering
// the servers of a backend remaps clients. A full server is skipped: its
// clients overflow to their second-ranked server until it has room.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/core/address.h"
#include "proxyd/core/balance/balancer.h"

namespace proxyd::balance {

// The client key of PickContext for <address> (family and bytes, no port).
std::uint64_t source_key(const common::net::IpAddress& address);

// The rendezvous score of server <index> (weight <weight> > 0) for <key>:
// the lowest score wins. Shared by every consistent hashing balancer.
double rendezvous_score(std::uint64_t key, std::size_t index, std::uint32_t weight);

// The candidate of the serving tier with the lowest rendezvous score for
// <key>; nullopt when no candidate exists.
std::optional<std::size_t> rendezvous_pick(std::span<const ServerState> servers, std::uint64_t key);

class SourceHash final : public Balancer {
 public:
  // Balancer
  std::optional<std::size_t> pick(const PickContext& context) override;
};

}  // namespace proxyd::balance
