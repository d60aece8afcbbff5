// Passive health (HAProxy's `observe`, `error_limit`, `on_error`): the
// server's real traffic is judged as it passes, and a run of <error_limit>
// consecutive errors acts on the server's health without waiting for the
// next check. `observe = layer4` judges connections (a refused or timed-out
// connect is an error); `layer7` also judges HTTP responses (a 5xx other
// than 501 and 505, an invalid or truncated response, a server timeout or
// close before the response). Pure: the adapters classify what they saw
// and count; the health state machine applies the action.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"
#include "proxyd/core/health/health_check.h"

namespace proxyd::health {

enum class ObserveMode { None, Layer4, Layer7 };

// on_error: what <error_limit> consecutive errors do (default FailCheck).
enum class OnError {
  FastInter,    // the next check comes after fastinter
  FailCheck,    // counts as one failed check (and fastinter)
  SuddenDeath,  // one failed check short of DOWN (and fastinter)
  MarkDown,     // DOWN at once (and fastinter); checks bring it back
};

// What one exchange with the server showed (HAProxy's analyze statuses).
enum class Observation {
  Layer4Ok,          // connected
  Layer4Error,       // connect refused, unreachable or timed out
  HttpOk,            // a response with a status that is not an error
  HttpWrongStatus,   // 5xx other than 501 and 505
  HttpInvalid,       // not HTTP, or a response the server must not send (101 unasked)
  HttpTruncated,     // the head cut short
  HttpReadTimeout,   // no response within timeout_server
  HttpServerClosed,  // the server closed before responding
};

// HAProxy's words for <observation> ("Wrong http response", ...).
std::string_view describe(Observation observation);
bool is_error(Observation observation);
// Whether <mode> judges <observation> (layer4: connections only; layer7:
// failed connections and responses, not successful connects).
bool observes(ObserveMode mode, Observation observation);
// The observation of a server's response status.
Observation observe_status(int status);

common::Result<ObserveMode> parse_observe(std::string_view text);  // layer4 | layer7
common::Result<OnError> parse_on_error(std::string_view text);     // fastinter | fail_check | ...

// The check result standing for <errors> consecutive errors ending with
// <last>: "Health analyze", info "Detected 10 consecutive errors, last one
// was: Wrong http response" (HAProxy's line).
CheckResult analyze_result(std::uint32_t errors, Observation last);

// Applies <action> for <cause> to <state> at <now>; the transition when the
// server goes DOWN.
std::optional<HealthTransition> apply_on_error(HealthCheck& state, OnError action, const CheckResult& cause,
                                               common::TimePoint now);

}  // namespace proxyd::health
