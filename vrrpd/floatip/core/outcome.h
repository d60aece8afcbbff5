// How a floatip run ends, and the exit code each ending maps to. The codes
// are the tool's contract with notify scripts: documented in README.md and
// never renumbered.
#pragma once

#include <string_view>

#include "vrrpd/floatip/core/api_reply.h"

namespace vrrpd::floatip {

enum class Outcome {
  Assigned,             // our assign action completed, or the IP was found here after we asked
  AlreadyOurs,          // on this droplet and unlocked before we asked for anything
  Reported,             // `status` printed the owner
  AuthFailed,           // 401/403: bad or under-scoped token
  NotFound,             // 404 on reserved_ips and floating_ips
  BudgetExhausted,      // still busy, rate limited or failing when time ran out
  ActionErrored,        // the assign action ended "errored", again after a retry
  MetadataUnreachable,  // no droplet id from the metadata service
  UnexpectedResponse,   // another 4xx, or a body that does not decode
};

enum class ExitCode : int {
  Ok = 0,
  UnexpectedResponse = 1,
  Usage = 2,
  Auth = 3,
  NotFound = 4,
  BudgetExhausted = 5,
  ActionErrored = 6,
  TokenFile = 7,
  MetadataUnreachable = 8,
};

// The process exit code for <outcome>.
ExitCode exit_code(Outcome outcome);
// "assigned", "already-ours", "auth-failed", ...: the word logs use.
std::string_view outcome_name(Outcome outcome);
// The outcome of a reply the policy does not retry (Auth, NotFound, Unexpected).
Outcome fatal_outcome(ReplyKind kind);

}  // namespace vrrpd::floatip
