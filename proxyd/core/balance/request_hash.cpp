#include "proxyd/core/balance/request_hash.h"

#include <span>

#include "proxyd/core/balance/random_source.h"
#include "proxyd/core/balance/source_hash.h"

namespace proxyd::balance {
namespace {

// The map-based choice: the slot <key> % total weight of the servers in
// service, then the first candidate from there on (wrapping) when that
// server is full.
std::optional<std::size_t> map_pick(std::span<const ServerState> servers, std::uint64_t key) {
  const auto tier = serving_tier(servers);
  if (!tier) return std::nullopt;
  std::uint64_t total = 0;
  for (const auto& server : servers) {
    if (in_tier(server, *tier)) total += server.weight;
  }
  std::uint64_t slot = key % total;  // total > 0: the tier has a server in service
  std::size_t chosen = 0;
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (!in_tier(servers[i], *tier)) continue;
    if (slot < servers[i].weight) {
      chosen = i;
      break;
    }
    slot -= servers[i].weight;
  }
  for (std::size_t step = 0; step < servers.size(); ++step) {
    const std::size_t i = (chosen + step) % servers.size();
    if (is_candidate(servers[i], *tier)) return i;
  }
  return std::nullopt;
}

}  // namespace

std::uint64_t hash_text(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV prime
  }
  return mix64(hash);
}

std::optional<std::size_t> RequestHash::pick(const PickContext& context) {
  if (!context.request_key) return fallback_.pick(context);
  switch (hash_type_) {
    case config::HashType::Map:
      return map_pick(context.servers, *context.request_key);
    case config::HashType::Consistent:
      return rendezvous_pick(context.servers, *context.request_key);
  }
  return std::nullopt;
}

}  // namespace proxyd::balance
