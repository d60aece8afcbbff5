#include "proxyd/core/health/observe.h"

#include <fmt/format.h>

namespace proxyd::health {

std::string_view describe(Observation observation) {
  switch (observation) {
    case Observation::Layer4Ok:
      return "L4 successful connection";
    case Observation::Layer4Error:
      return "L4 unsuccessful connection";
    case Observation::HttpOk:
      return "Correct http response";
    case Observation::HttpWrongStatus:
      return "Wrong http response";
    case Observation::HttpInvalid:
      return "Invalid http response";
    case Observation::HttpTruncated:
      return "Invalid http response (headers)";
    case Observation::HttpReadTimeout:
      return "Read timeout (http)";
    case Observation::HttpServerClosed:
      return "Close from server (http)";
  }
  return "?";
}

bool is_error(Observation observation) {
  return observation != Observation::Layer4Ok && observation != Observation::HttpOk;
}

bool observes(ObserveMode mode, Observation observation) {
  switch (mode) {
    case ObserveMode::None:
      return false;
    case ObserveMode::Layer4:
      return observation == Observation::Layer4Ok || observation == Observation::Layer4Error;
    case ObserveMode::Layer7:
      // A connection that opens says nothing of the responses (HAProxy
      // ignores it in layer7 mode): only a correct response clears the run.
      return observation != Observation::Layer4Ok;
  }
  return false;
}

Observation observe_status(int status) {
  // HAProxy's rule: 501 (not implemented) and 505 (version not supported)
  // are the client's doing, not the server's.
  if (status >= 500 && status != 501 && status != 505) return Observation::HttpWrongStatus;
  return Observation::HttpOk;
}

common::Result<ObserveMode> parse_observe(std::string_view text) {
  if (text == "layer4") return ObserveMode::Layer4;
  if (text == "layer7") return ObserveMode::Layer7;
  return tl::unexpected(common::Error{fmt::format("observe: expected layer4 or layer7, got '{}'", text)});
}

common::Result<OnError> parse_on_error(std::string_view text) {
  if (text == "fastinter") return OnError::FastInter;
  if (text == "fail_check") return OnError::FailCheck;
  if (text == "sudden_death") return OnError::SuddenDeath;
  if (text == "mark_down") return OnError::MarkDown;
  return tl::unexpected(common::Error{
      fmt::format("on_error: expected fastinter, fail_check, sudden_death or mark_down, got '{}'", text)});
}

CheckResult analyze_result(std::uint32_t errors, Observation last) {
  return CheckResult{CheckStatus::HealthAnalyze,
                     fmt::format("Detected {} consecutive errors, last one was: {}", errors, describe(last)),
                     common::Duration{0}, 0};
}

std::optional<HealthTransition> apply_on_error(HealthCheck& state, OnError action, const CheckResult& cause,
                                               common::TimePoint now) {
  switch (action) {
    case OnError::FastInter:
      return std::nullopt;
    case OnError::FailCheck:
      return state.record(cause, now);
    case OnError::SuddenDeath:
      state.fail_all_but_one();
      return std::nullopt;
    case OnError::MarkDown:
      return state.mark_down(cause, now);
  }
  return std::nullopt;
}

}  // namespace proxyd::health
