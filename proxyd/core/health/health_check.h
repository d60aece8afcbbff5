// A server's health as seen by its checks: rise/fall hysteresis over check
// results, with time passed in. No I/O: the adapter runs the check and
// reports its result here, then acts on (and logs) the transition returned.
//
// Semantics (deliberate, documented choices):
//   * a server starts UP and goes DOWN after <fall> consecutive failures,
//     then needs <rise> consecutive successes to come back UP. (HAProxy
//     starts a checked server UP too, but drops it at the first failure; we
//     wait for <fall> so that a restart does not flap a pool.)
//   * counters are strictly consecutive: a success while UP clears the
//     failure count, a failure while DOWN clears the success count. (HAProxy
//     keeps a single health counter that partial runs move up and down.)
//   * rise or fall given as 0 count as 1 (the config accepts 1..1000).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/time.h"

namespace proxyd::health {

enum class ServerHealth { Up, Down };

// "UP" or "DOWN", as in the logs.
std::string_view health_name(ServerHealth health);

// The outcome of one check; the names follow HAProxy's check statuses.
enum class CheckStatus {
  Layer4Ok,                 // L4OK: connected
  Layer4Timeout,            // L4TOUT: no connection within check_timeout
  Layer4ConnectionProblem,  // L4CON: refused, unreachable, reset
  SocketError,              // SOCKERR: the check could not even start
  Layer6InvalidResponse,    // L6RSP: the TLS handshake with an `ssl` server failed
  Layer7Ok,                 // L7OK: the response matched check_expect
  Layer7Timeout,            // L7TOUT: connected, no complete response in time
  Layer7InvalidResponse,    // L7RSP: not HTTP, truncated, or the body did not match
  Layer7WrongStatus,        // L7STS: an HTTP status outside check_expect
  HealthAnalyze,            // HANA: error_limit errors in the server's real traffic (observe)
};

// HAProxy's description, used as the "reason" of log lines.
std::string_view describe(CheckStatus status);

// True for statuses that count as a successful check.
bool is_success(CheckStatus status);

struct CheckResult {
  CheckStatus status = CheckStatus::Layer4Ok;
  std::string info;              // detail such as "Connection refused"; may be empty
  common::Duration duration{0};  // how long the check took
  int code = 0;                  // HTTP status of a layer-7 check; 0 = none
};

// A change of state, returned by HealthCheck::record.
struct HealthTransition {
  ServerHealth from = ServerHealth::Up;
  ServerHealth to = ServerHealth::Down;
  CheckResult cause;                 // the check that tipped the balance
  common::TimePoint at;              // when it was recorded
  common::Duration time_in_from{0};  // how long the server had been <from>
};

class HealthCheck {
 public:
  // Starts in <initial> at <now>.
  HealthCheck(std::uint32_t rise, std::uint32_t fall, common::TimePoint now, ServerHealth initial = ServerHealth::Up);

  // Records one check result at <now>; returns the transition when the state
  // changes, nullopt otherwise.
  std::optional<HealthTransition> record(const CheckResult& result, common::TimePoint now);
  // on_error=sudden_death: one failure short of DOWN while UP (no change of
  // state); on_error=mark_down: DOWN at once (the transition, if UP).
  void fail_all_but_one();
  std::optional<HealthTransition> mark_down(const CheckResult& cause, common::TimePoint now);

  ServerHealth state() const { return state_; }
  bool is_up() const { return state_ == ServerHealth::Up; }
  // Successes in a row since the last failure (or the last transition).
  std::uint32_t consecutive_successes() const { return successes_; }
  // Failures in a row since the last success (or the last transition).
  std::uint32_t consecutive_failures() const { return failures_; }
  // When the state last changed (construction counts as a change).
  common::TimePoint last_change() const { return last_change_; }
  // The most recent result, nullopt before the first check.
  const std::optional<CheckResult>& last_result() const { return last_result_; }

 private:
  HealthTransition change_to(ServerHealth next, const CheckResult& cause, common::TimePoint now);

  std::uint32_t rise_;
  std::uint32_t fall_;
  ServerHealth state_;
  std::uint32_t successes_ = 0;
  std::uint32_t failures_ = 0;
  common::TimePoint last_change_;
  std::optional<CheckResult> last_result_;
};

}  // namespace proxyd::health
