// `floatip status`: who holds the IP, with the same lookup, fallback and
// retry policy as `assign`, but read-only. Works off-droplet too: when the
// metadata service does not answer, the owner is printed without "this
// droplet".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vrrpd/floatip/core/api_session.h"
#include "vrrpd/floatip/core/do_responses.h"
#include "vrrpd/floatip/core/environment.h"
#include "vrrpd/floatip/core/ip_lookup.h"
#include "vrrpd/floatip/core/outcome.h"

namespace vrrpd::floatip {

struct StatusResult {
  Outcome outcome = Outcome::UnexpectedResponse;  // Reported on success
  std::string detail;                             // the one-line answer, or why there is none
  std::optional<IpOwnership> owner;
  std::optional<std::uint64_t> this_droplet;  // empty off-droplet
  IpKind kind = IpKind::Reserved;
};

// Looks up who holds <target>.ip, spending at most <budget>.
StatusResult query_status(Environment& env, const Target& target, common::Duration budget);
// "203.0.113.10 is assigned to droplet 111 (this droplet)", "... is
// unassigned", "...; locked by a pending action", "... (legacy /v2/floating_ips)".
std::string describe_owner(const std::string& ip, const IpOwnership& owner, std::optional<std::uint64_t> this_droplet,
                           IpKind kind);

}  // namespace vrrpd::floatip
