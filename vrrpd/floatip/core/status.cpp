#include "vrrpd/floatip/core/status.h"

#include <fmt/format.h>

namespace vrrpd::floatip {

StatusResult query_status(Environment& env, const Target& target, common::Duration budget) {
  ApiSession session(env, target, budget);
  IpEndpoints endpoints(target.ip);
  StatusResult result;
  // One metadata try: off-droplet there is nothing to wait for.
  if (auto id = session.droplet_id(1)) result.this_droplet = *id;
  while (true) {
    auto found = look_up_ip(session, endpoints);
    result.kind = endpoints.kind();
    if (found) {
      result.outcome = Outcome::Reported;
      result.owner = *found;
      result.detail = describe_owner(target.ip, *found, result.this_droplet, result.kind);
      return result;
    }
    const Reply& reply = found.error();
    if (!is_retryable(reply.kind)) {
      result.outcome = fatal_outcome(reply.kind);
      result.detail = fmt::format("cannot look up {}: {}: {}", target.ip, reply_kind_name(reply.kind), describe(reply));
      return result;
    }
    if (!session.wait_to_retry(reply)) {
      result.outcome = Outcome::BudgetExhausted;
      result.detail = fmt::format("cannot look up {}: budget of {} exhausted after {} attempts; last: {}", target.ip,
                                  format_seconds(budget), session.attempts(), session.last_failure());
      return result;
    }
  }
}

std::string describe_owner(const std::string& ip, const IpOwnership& owner, std::optional<std::uint64_t> this_droplet,
                           IpKind kind) {
  std::string out;
  if (!owner.droplet_id) {
    out = fmt::format("{} is unassigned", ip);
  } else if (!this_droplet) {
    out = fmt::format("{} is assigned to droplet {}", ip, *owner.droplet_id);
  } else if (*owner.droplet_id == *this_droplet) {
    out = fmt::format("{} is assigned to droplet {} (this droplet)", ip, *owner.droplet_id);
  } else {
    out = fmt::format("{} is assigned to droplet {} (not this droplet, {})", ip, *owner.droplet_id, *this_droplet);
  }
  if (owner.locked) out += "; locked by a pending action";
  if (kind == IpKind::Floating) out += fmt::format(" (legacy {})", collection_path(kind));
  return out;
}

}  // namespace vrrpd::floatip
