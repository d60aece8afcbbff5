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

// Where a record sends a server: its address, and its port (SRV) or else
// the server line's <port>.
common::net::Endpoint target_of(const Record& record, std::uint16_t port);

// The record <current> should become; nullopt when <records> is empty.
// <taken>: where other servers on the same name go now (address and port:
// SRV targets may share an address on several ports). <port>: the server
// line's, for records that bring none.
std::optional<Record> choose_address(std::span<const Record> records, const Preferences& prefs,
                                     const std::optional<common::net::Endpoint>& current, std::uint16_t port,
                                     std::span<const common::net::Endpoint> taken = {});

}  // namespace proxyd::dns
