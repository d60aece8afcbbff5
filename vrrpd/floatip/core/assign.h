// `floatip assign`: make the IP point at this droplet within a time budget
// (FEATURES.md 4.2 steps 2-5), as a small state machine over the injected
// environment:
//
//   metadata id -> CheckOwner --(ours, unlocked)--> done
//                   |  ^  (locked: back off)
//                   v  |  (422 / 5xx / errored once: back off, look again)
//                 PostAssign --201--> PollAction --completed--> done
//
// 429 waits Retry-After; 401/403/404 end at once; every wait is bounded by
// the budget.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vrrpd/floatip/core/api_session.h"
#include "vrrpd/floatip/core/environment.h"
#include "vrrpd/floatip/core/ip_lookup.h"
#include "vrrpd/floatip/core/outcome.h"

namespace vrrpd::floatip {

// Actions take a few seconds; polling every second adds at most one second.
inline constexpr common::Duration kPollInterval{1'000};
// An errored action is retried once (the cause may be transient); a second
// one ends the run, since a third is unlikely to fare better.
inline constexpr int kMaxErroredActions = 2;
// Metadata /v1/id attempts (link-local: it answers at once or is down).
inline constexpr int kMetadataTries = 3;

struct AssignResult {
  Outcome outcome = Outcome::UnexpectedResponse;
  std::string detail;            // the one-line result for the user and the log
  std::uint64_t droplet_id = 0;  // this droplet, once metadata answered
  std::optional<std::uint64_t> action_id;
  IpKind kind = IpKind::Reserved;  // the endpoint family that answered
  int attempts = 0;
  common::Duration elapsed{0};
};

// Assigns <target>.ip to this droplet, spending at most <budget>.
AssignResult assign_ip(Environment& env, const Target& target, common::Duration budget);

}  // namespace vrrpd::floatip
