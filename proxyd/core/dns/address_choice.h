// Which address of an answer a server takes (HAProxy's rules): records of
// the preferred family (resolve_prefer, IPv6 unless said) and inside a
// preferred network (resolve_net) score higher, and an address another
// server of the backend already took for the same name scores lower, so
// several servers on one name spread over its addresses. The current
// address stays while it is in the answer with the best score: an answer
// that lists the addresses in another order moves nothing.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "common/core/address.h"
#include "proxyd/core/dns/resolution.h"

namespace proxyd::dns {

struct Preferences {
  common::net::Family family = common::net::Family::V6;  // resolve_prefer
  std::vector<common::net::Cidr> networks;               // resolve_net
  friend bool operator==(const Preferences&, const Preferences&) = default;
};

// The record <current> should become; nullopt when <records> is empty.
// <taken>: addresses other servers on the same name use now.
std::optional<Record> choose_address(std::span<const Record> records, const Preferences& prefs,
                                     const std::optional<common::net::IpAddress>& current,
                                     std::span<const common::net::IpAddress> taken = {});

}  // namespace proxyd::dns
