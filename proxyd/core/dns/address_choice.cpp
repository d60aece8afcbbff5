#include "proxyd/core/dns/address_choice.h"

#include <algorithm>

namespace proxyd::dns {

namespace {

int score(const Record& r, const Preferences& prefs, std::span<const common::net::IpAddress> taken) {
  int s = 0;
  if (r.address.family() == prefs.family) s += 4;
  if (std::any_of(prefs.networks.begin(), prefs.networks.end(), [&](const auto& n) { return n.contains(r.address); }))
    s += 2;
  if (std::find(taken.begin(), taken.end(), r.address) == taken.end()) s += 1;
  return s;
}

}  // namespace

std::optional<Record> choose_address(std::span<const Record> records, const Preferences& prefs,
                                     const std::optional<common::net::IpAddress>& current,
                                     std::span<const common::net::IpAddress> taken) {
  const Record* best = nullptr;
  int best_score = -1;
  for (const auto& r : records) {
    const int s = score(r, prefs, taken);
    if (s > best_score) {
      best = &r;
      best_score = s;
    }
  }
  if (best == nullptr) return std::nullopt;
  if (current) {
    for (const auto& r : records) {
      // Our own address is not "taken by another server".
      if (r.address == *current && score(r, prefs, {}) >= best_score) return r;
    }
  }
  return *best;
}

}  // namespace proxyd::dns
