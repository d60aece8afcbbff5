#include "proxyd/core/dns/address_choice.h"

#include <algorithm>

namespace proxyd::dns {

namespace {

int score(const Record& r, const Preferences& prefs, std::uint16_t port, std::span<const common::net::Endpoint> taken) {
  int s = 0;
  if (r.address.family() == prefs.family) s += 4;
  if (std::any_of(prefs.networks.begin(), prefs.networks.end(), [&](const auto& n) { return n.contains(r.address); }))
    s += 2;
  if (std::find(taken.begin(), taken.end(), target_of(r, port)) == taken.end()) s += 1;
  return s;
}

}  // namespace

common::net::Endpoint target_of(const Record& record, std::uint16_t port) {
  return {record.address, record.port != 0 ? record.port : port};
}

std::optional<Record> choose_address(std::span<const Record> records, const Preferences& prefs,
                                     const std::optional<common::net::Endpoint>& current, std::uint16_t port,
                                     std::span<const common::net::Endpoint> taken) {
  const Record* best = nullptr;
  int best_score = -1;
  for (const auto& r : records) {
    const int s = score(r, prefs, port, taken);
    if (s > best_score) {
      best = &r;
      best_score = s;
    }
  }
  if (best == nullptr) return std::nullopt;
  if (current) {
    for (const auto& r : records) {
      // Our own address is not "taken by another server".
      if (target_of(r, port) == *current && score(r, prefs, port, {}) >= best_score) return r;
    }
  }
  return *best;
}

}  // namespace proxyd::dns
