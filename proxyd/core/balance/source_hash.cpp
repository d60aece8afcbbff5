#include "proxyd/core/balance/source_hash.h"

#include <cmath>

#include "proxyd/core/balance/random_source.h"

namespace proxyd::balance {

double rendezvous_score(std::uint64_t key, std::size_t index, std::uint32_t weight) {
  // Two rounds of mixing so that neighbouring keys and indices decorrelate.
  const std::uint64_t hash = mix64(key ^ mix64(std::uint64_t{index} + 1));
  // 53 bits into (0, 1): the +0.5 keeps log() away from 0 and 1.
  const double unit = (static_cast<double>(hash >> 11) + 0.5) * 0x1.0p-53;
  return -std::log(unit) / static_cast<double>(weight);
}

std::uint64_t source_key(const common::net::IpAddress& address) {
  // FNV-1a over the family and the bytes, then mixed.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto feed = [&hash](std::uint8_t byte) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  };
  feed(address.is_v4() ? 4 : 6);
  for (const std::uint8_t byte : address.bytes()) feed(byte);
  return mix64(hash);
}

std::optional<std::size_t> rendezvous_pick(std::span<const ServerState> servers, std::uint64_t key) {
  const auto tier = serving_tier(servers);
  if (!tier) return std::nullopt;
  std::optional<std::size_t> best;
  double best_score = 0;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    const auto& server = servers[i];
    if (!is_candidate(server, *tier)) continue;
    const double s = rendezvous_score(key, i, server.weight);
    if (!best || s < best_score) {
      best = i;
      best_score = s;
    }
  }
  return best;
}

std::optional<std::size_t> SourceHash::pick(const PickContext& context) {
  return rendezvous_pick(context.servers, context.client_key);
}

}  // namespace proxyd::balance
