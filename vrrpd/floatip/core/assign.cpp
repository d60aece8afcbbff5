#include "vrrpd/floatip/core/assign.h"

#include <fmt/format.h>

namespace vrrpd::floatip {
namespace {

std::string holder(const std::optional<std::uint64_t>& droplet) {
  return droplet ? fmt::format("droplet {}", *droplet) : std::string("no droplet");
}

class Assigner {
 public:
  Assigner(Environment& env, const Target& target, common::Duration budget)
      : session_(env, target, budget), endpoints_(target.ip) {}

  AssignResult run() {
    session_.logger().notice("assigning {} to this droplet (budget {})", ip(), format_seconds(session_.budget()));
    auto id = session_.droplet_id(kMetadataTries);
    if (!id) {
      finish(Outcome::MetadataUnreachable, id.error().message);
      return result_;
    }
    result_.droplet_id = *id;
    while (!done_) {
      switch (step_) {
        case Step::CheckOwner:
          check_owner();
          break;
        case Step::PostAssign:
          post_assign();
          break;
        case Step::PollAction:
          poll_action();
          break;
      }
    }
    return result_;
  }

 private:
  enum class Step { CheckOwner, PostAssign, PollAction };

  const std::string& ip() const { return session_.target().ip; }
  common::log::Logger& logger() { return session_.logger(); }

  void check_owner() {
    auto found = look_up_ip(session_, endpoints_);
    if (!found) return retry_or_finish(found.error(), Step::CheckOwner);
    if (found->locked) {
      logger().info("{} ({}) is locked by a pending action; waiting", ip(), holder(found->droplet_id));
      if (!session_.back_off("the IP is locked by a pending action")) budget_exhausted();
      return;
    }
    if (found->droplet_id == result_.droplet_id) {
      // Once we have asked (even if the answer was a 422 or a 5xx), the move
      // may be ours: only an IP found here before any POST is "already ours".
      if (posted_) return finish(Outcome::Assigned, fmt::format("{} assigned to droplet {}", ip(), *found->droplet_id));
      return finish(Outcome::AlreadyOurs, fmt::format("{} is already assigned to this droplet ({}); nothing to do",
                                                      ip(), *found->droplet_id));
    }
    logger().info("{} is on {}; assigning it to droplet {}", ip(), holder(found->droplet_id), result_.droplet_id);
    step_ = Step::PostAssign;
  }

  void post_assign() {
    posted_ = true;
    Reply reply = session_.call("POST", endpoints_.actions_path(), assign_body(result_.droplet_id));
    if (reply.kind != ReplyKind::Success) {
      // After a 422 another actor (maybe the peer) holds the IP, and after a
      // 5xx our action may exist anyway: look again before asking. A 429
      // was not processed, so only it repeats the POST as is.
      const auto next = reply.kind == ReplyKind::RateLimited ? Step::PostAssign : Step::CheckOwner;
      return retry_or_finish(reply, next);
    }
    auto action = parse_action(reply.response->body);
    if (!action) return finish(Outcome::UnexpectedResponse, fmt::format("assign response: {}", action.error().message));
    session_.note_progress();
    on_action(*action);
  }

  void poll_action() {
    Reply reply = session_.call("GET", endpoints_.action_path(*result_.action_id));
    if (reply.kind != ReplyKind::Success) return retry_or_finish(reply, Step::PollAction);
    auto action = parse_action(reply.response->body);
    if (!action) return finish(Outcome::UnexpectedResponse, fmt::format("action response: {}", action.error().message));
    on_action(*action);
  }

  void on_action(const ActionInfo& action) {
    result_.action_id = action.id;
    logger().info("assign action {} is {}", action.id, action_status_name(action.status));
    switch (action.status) {
      case ActionStatus::Completed:
        return finish(Outcome::Assigned,
                      fmt::format("{} assigned to droplet {} (action {})", ip(), result_.droplet_id, action.id));
      case ActionStatus::Errored:
        return action_errored(action.id);
      case ActionStatus::InProgress:
        step_ = Step::PollAction;
        if (!session_.pause(kPollInterval, fmt::format("action {} in progress", action.id))) budget_exhausted();
        return;
    }
  }

  void action_errored(std::uint64_t action) {
    if (++errored_actions_ >= kMaxErroredActions) {
      return finish(Outcome::ActionErrored,
                    fmt::format("assign action {} errored ({} errored actions in this run)", action, errored_actions_));
    }
    logger().warning("assign action {} errored; checking the IP again before one more try", action);
    step_ = Step::CheckOwner;
    if (!session_.back_off(fmt::format("assign action {} errored", action))) budget_exhausted();
  }

  void retry_or_finish(const Reply& reply, Step next) {
    if (!is_retryable(reply.kind)) {
      return finish(fatal_outcome(reply.kind), fmt::format("{}: {}", reply_kind_name(reply.kind), describe(reply)));
    }
    step_ = next;
    if (!session_.wait_to_retry(reply)) budget_exhausted();
  }

  void budget_exhausted() {
    std::string detail =
        fmt::format("budget of {} exhausted after {} attempts", format_seconds(session_.budget()), session_.attempts());
    if (!session_.last_failure().empty()) detail += fmt::format("; last: {}", session_.last_failure());
    finish(Outcome::BudgetExhausted, detail);
  }

  void finish(Outcome outcome, std::string detail) {
    const bool ok = exit_code(outcome) == ExitCode::Ok;
    result_.outcome = outcome;
    result_.detail = ok ? std::move(detail) : fmt::format("cannot assign {}: {}", ip(), detail);
    result_.kind = endpoints_.kind();
    result_.attempts = session_.attempts();
    result_.elapsed = session_.elapsed();
    logger().logf(ok ? common::log::Level::Notice : common::log::Level::Error, "{} [{}, {} attempts, {}]",
                  result_.detail, outcome_name(outcome), result_.attempts, format_seconds(result_.elapsed));
    done_ = true;
  }

  ApiSession session_;
  IpEndpoints endpoints_;
  Step step_ = Step::CheckOwner;
  AssignResult result_;
  bool done_ = false;
  bool posted_ = false;  // an assign request was sent in this run
  int errored_actions_ = 0;
};

}  // namespace

AssignResult assign_ip(Environment& env, const Target& target, common::Duration budget) {
  return Assigner(env, target, budget).run();
}

}  // namespace vrrpd::floatip
