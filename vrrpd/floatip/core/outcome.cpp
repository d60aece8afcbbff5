#include "vrrpd/floatip/core/outcome.h"

namespace vrrpd::floatip {

ExitCode exit_code(Outcome outcome) {
  switch (outcome) {
    case Outcome::Assigned:
    case Outcome::AlreadyOurs:
    case Outcome::Reported:
      return ExitCode::Ok;
    case Outcome::AuthFailed:
      return ExitCode::Auth;
    case Outcome::NotFound:
      return ExitCode::NotFound;
    case Outcome::BudgetExhausted:
      return ExitCode::BudgetExhausted;
    case Outcome::ActionErrored:
      return ExitCode::ActionErrored;
    case Outcome::MetadataUnreachable:
      return ExitCode::MetadataUnreachable;
    case Outcome::UnexpectedResponse:
      return ExitCode::UnexpectedResponse;
  }
  return ExitCode::UnexpectedResponse;
}

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::Assigned:
      return "assigned";
    case Outcome::AlreadyOurs:
      return "already-ours";
    case Outcome::Reported:
      return "reported";
    case Outcome::AuthFailed:
      return "auth-failed";
    case Outcome::NotFound:
      return "not-found";
    case Outcome::BudgetExhausted:
      return "budget-exhausted";
    case Outcome::ActionErrored:
      return "action-errored";
    case Outcome::MetadataUnreachable:
      return "metadata-unreachable";
    case Outcome::UnexpectedResponse:
      return "unexpected-response";
  }
  return "?";
}

Outcome fatal_outcome(ReplyKind kind) {
  switch (kind) {
    case ReplyKind::Auth:
      return Outcome::AuthFailed;
    case ReplyKind::NotFound:
      return Outcome::NotFound;
    case ReplyKind::Success:
    case ReplyKind::Busy:
    case ReplyKind::RateLimited:
    case ReplyKind::Transient:
    case ReplyKind::Unexpected:
      return Outcome::UnexpectedResponse;
  }
  return Outcome::UnexpectedResponse;
}

}  // namespace vrrpd::floatip
