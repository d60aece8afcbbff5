#include "proxyd/core/health/health_check.h"

#include <algorithm>
#include <limits>

namespace proxyd::health {
namespace {

// Counts saturate: a server checked for years must not wrap to 0.
void increment(std::uint32_t& counter) {
  if (counter != std::numeric_limits<std::uint32_t>::max()) ++counter;
}

}  // namespace

std::string_view health_name(ServerHealth health) {
  switch (health) {
    case ServerHealth::Up:
      return "UP";
    case ServerHealth::Down:
      return "DOWN";
  }
  return "?";
}

std::string_view describe(CheckStatus status) {
  switch (status) {
    case CheckStatus::Layer4Ok:
      return "Layer4 check passed";
    case CheckStatus::Layer4Timeout:
      return "Layer4 timeout";
    case CheckStatus::Layer4ConnectionProblem:
      return "Layer4 connection problem";
    case CheckStatus::SocketError:
      return "Socket error";
    case CheckStatus::Layer6InvalidResponse:
      return "Layer6 invalid response";
    case CheckStatus::Layer7Ok:
      return "Layer7 check passed";
    case CheckStatus::Layer7Timeout:
      return "Layer7 timeout";
    case CheckStatus::Layer7InvalidResponse:
      return "Layer7 invalid response";
    case CheckStatus::Layer7WrongStatus:
      return "Layer7 wrong status";
    case CheckStatus::HealthAnalyze:
      return "Health analyze";
  }
  return "?";
}

bool is_success(CheckStatus status) {
  switch (status) {
    case CheckStatus::Layer4Ok:
    case CheckStatus::Layer7Ok:
      return true;
    case CheckStatus::Layer6InvalidResponse:
    case CheckStatus::Layer7Timeout:
    case CheckStatus::Layer7InvalidResponse:
    case CheckStatus::Layer7WrongStatus:
    case CheckStatus::HealthAnalyze:
    case CheckStatus::Layer4Timeout:
    case CheckStatus::Layer4ConnectionProblem:
    case CheckStatus::SocketError:
      return false;
  }
  return false;
}

HealthCheck::HealthCheck(std::uint32_t rise, std::uint32_t fall, common::TimePoint now, ServerHealth initial)
    : rise_(std::max(rise, 1u)), fall_(std::max(fall, 1u)), state_(initial), last_change_(now) {}

std::optional<HealthTransition> HealthCheck::record(const CheckResult& result, common::TimePoint now) {
  last_result_ = result;
  if (is_success(result.status)) {
    failures_ = 0;
    increment(successes_);
    if (state_ == ServerHealth::Down && successes_ >= rise_) return change_to(ServerHealth::Up, result, now);
  } else {
    successes_ = 0;
    increment(failures_);
    if (state_ == ServerHealth::Up && failures_ >= fall_) return change_to(ServerHealth::Down, result, now);
  }
  return std::nullopt;
}

void HealthCheck::fail_all_but_one() {
  if (state_ != ServerHealth::Up) return;
  successes_ = 0;
  failures_ = std::max(failures_, fall_ - 1);
}

std::optional<HealthTransition> HealthCheck::mark_down(const CheckResult& cause, common::TimePoint now) {
  last_result_ = cause;
  if (state_ != ServerHealth::Up) return std::nullopt;
  return change_to(ServerHealth::Down, cause, now);
}

HealthTransition HealthCheck::change_to(ServerHealth next, const CheckResult& cause, common::TimePoint now) {
  HealthTransition transition{state_, next, cause, now, common::duration_cast<common::Duration>(now - last_change_)};
  state_ = next;
  last_change_ = now;
  // A fresh state starts its own count, so the next transition needs a full
  // run of <fall> (or <rise>) results.
  successes_ = 0;
  failures_ = 0;
  return transition;
}

}  // namespace proxyd::health
