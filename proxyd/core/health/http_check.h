// Layer-7 health checks (`check = http ...`, `check_expect = ...`): the
// request bytes a check sends and the verdict on what the server answered,
// worded as HAProxy's layer-7 check statuses so the transition log lines
// read the same:
//   Server app/web1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. ...
//   Server app/web1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", ...
//   Server app/web1 is DOWN, reason: Layer7 invalid response, code: 200, info: "HTTP content check did not match", ...
// Pure: the adapter (io/health_checker) connects, sends, reads and times out.
//
// The status line is parsed here, minimally and on purpose independently of
// the proxy's HTTP parser: a check only needs "HTTP/1.x CODE reason".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/health/health_check.h"

namespace proxyd::health {

// The most a check reads of a response; the rest is not looked at.
inline constexpr std::size_t kMaxCheckResponse = 16 * 1024;

// "GET /health HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n
// User-Agent: proxyd-health\r\n\r\n" (no Host line when <check> has none).
std::string build_check_request(const config::HttpCheck& check);

// How reading the response ended.
enum class ResponseEnd {
  Complete,  // the server closed, or kMaxCheckResponse bytes arrived
  Timeout,   // check_timeout expired first
};

// The verdict on <response> (every byte read, possibly truncated) against
// <expect>. Duration is left at 0 for the caller to fill. On a timeout, a
// status expectation is still judged when the status line arrived (the
// server answered; only the body was slow), and a string expectation when
// the text already arrived; otherwise it is Layer7Timeout.
CheckResult evaluate_check_response(const config::CheckExpect& expect, std::string_view response, ResponseEnd end);

// "HTTP/1.1 503 Service Unavailable\r\n..." -> {503, "Service Unavailable"};
// nullopt unless <response> starts with a complete, well-formed status line.
struct StatusLine {
  int code = 0;
  std::string_view reason;
};
std::optional<StatusLine> parse_status_line(std::string_view response);

// True when <response> already holds all a verdict on <expect> needs (the
// status line, for a status expectation), so the check can stop reading.
bool response_is_decisive(const config::CheckExpect& expect, std::string_view response);

}  // namespace proxyd::health
