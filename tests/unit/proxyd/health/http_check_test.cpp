#include "proxyd/core/health/http_check.h"

#include <catch2/catch.hpp>

#include "proxyd/core/health/health_log.h"

using namespace proxyd::health;
using namespace std::chrono_literals;
using proxyd::config::CheckExpect;
using proxyd::config::HttpCheck;

namespace {

CheckExpect status(int min, int max) {
  CheckExpect e;
  e.status_min = min;
  e.status_max = max;
  return e;
}

CheckExpect string(std::string text) {
  CheckExpect e;
  e.kind = CheckExpect::Kind::String;
  e.text = std::move(text);
  return e;
}

std::string log_line(ServerHealth to, CheckResult cause) {
  cause.duration = 1ms;
  const auto from = to == ServerHealth::Up ? ServerHealth::Down : ServerHealth::Up;
  return format_transition("app", "web1", false, HealthTransition{from, to, std::move(cause), {}, 0ms},
                           {1, 0, 0, 0, 0});
}

}  // namespace

TEST_CASE("the check request: HTTP/1.1 with Host, Connection: close", "[health][http_check]") {
  HttpCheck check{"GET", "/health", 1, "example.org"};
  CHECK(build_check_request(check) ==
        "GET /health HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\nUser-Agent: proxyd-health\r\n\r\n");
}

TEST_CASE("the default check request is GET / HTTP/1.0 without Host", "[health][http_check]") {
  CHECK(build_check_request(HttpCheck{}) == "GET / HTTP/1.0\r\nConnection: close\r\nUser-Agent: proxyd-health\r\n\r\n");
  CHECK(build_check_request(HttpCheck{"HEAD", "/ping", 0, "a.b"}) ==
        "HEAD /ping HTTP/1.0\r\nHost: a.b\r\nConnection: close\r\nUser-Agent: proxyd-health\r\n\r\n");
}

TEST_CASE("status lines (RFC 9112 4)", "[health][http_check]") {
  auto s = parse_status_line("HTTP/1.1 503 Service Unavailable\r\nServer: x\r\n\r\n");
  REQUIRE(s);
  CHECK(s->code == 503);
  CHECK(s->reason == "Service Unavailable");
  CHECK(parse_status_line("HTTP/1.0 200 OK\n")->code == 200);    // bare LF
  CHECK(parse_status_line("HTTP/1.1 204\r\n")->reason.empty());  // no reason phrase
  CHECK(parse_status_line("HTTP/1.1 204 \r\n")->reason.empty());
  CHECK_FALSE(parse_status_line("HTTP/1.1 200 OK"));  // no end of line yet
  CHECK_FALSE(parse_status_line("HTTP/2 200 OK\r\n"));
  CHECK_FALSE(parse_status_line("HTTP/1.1 20 OK\r\n"));
  CHECK_FALSE(parse_status_line("HTTP/1.1 2000 OK\r\n"));
  CHECK_FALSE(parse_status_line("HTTP/1.1 099 Nope\r\n"));
  CHECK_FALSE(parse_status_line("SSH-2.0-OpenSSH_9.2\r\n"));
  CHECK_FALSE(parse_status_line("HTTP/1.x 200 OK\r\n"));
}

TEST_CASE("a status in the expected range passes (Layer7 check passed, code)", "[health][http_check]") {
  const auto r =
      evaluate_check_response(CheckExpect{}, "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", ResponseEnd::Complete);
  CHECK(r.status == CheckStatus::Layer7Ok);
  CHECK(is_success(r.status));
  CHECK(r.code == 302);
  CHECK(r.info.empty());
  CHECK(log_line(ServerHealth::Up, r) ==
        "Server app/web1 is UP, reason: Layer7 check passed, code: 302, check duration: 1ms. 1 active and 0 backup "
        "servers online. 0 sessions requeued, 0 total in queue.");
}

TEST_CASE("a status outside the range is Layer7 wrong status with the reason phrase", "[health][http_check]") {
  const auto r =
      evaluate_check_response(status(200, 200), "HTTP/1.1 503 Service Unavailable\r\n\r\n", ResponseEnd::Complete);
  CHECK(r.status == CheckStatus::Layer7WrongStatus);
  CHECK_FALSE(is_success(r.status));
  CHECK(r.code == 503);
  CHECK(log_line(ServerHealth::Down, r) ==
        "Server app/web1 is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\", check "
        "duration: 1ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.");
  CHECK(evaluate_check_response(status(200, 399), "HTTP/1.0 404 Not Found\r\n\r\n", ResponseEnd::Complete).status ==
        CheckStatus::Layer7WrongStatus);
}

TEST_CASE("a string expectation looks in the body", "[health][http_check]") {
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstatus: ready\n";
  const auto pass = evaluate_check_response(string("ready"), ok, ResponseEnd::Complete);
  CHECK(pass.status == CheckStatus::Layer7Ok);
  CHECK(pass.code == 200);
  // In a header only: not a match.
  const auto miss = evaluate_check_response(string("text/plain"), ok, ResponseEnd::Complete);
  CHECK(miss.status == CheckStatus::Layer7InvalidResponse);
  CHECK(miss.info == "HTTP content check did not match");
  CHECK(miss.code == 200);
  CHECK(
      log_line(ServerHealth::Down, miss)
          .starts_with(
              "Server app/web1 is DOWN, reason: Layer7 invalid response, code: 200, info: \"HTTP content check did not "
              "match\", check duration: 1ms."));
  // The status does not matter to a string expectation.
  CHECK(evaluate_check_response(string("ready"), "HTTP/1.1 500 Oops\r\n\r\nready", ResponseEnd::Complete).status ==
        CheckStatus::Layer7Ok);
  CHECK(evaluate_check_response(string("ready"), "HTTP/1.1 200 OK\r\nX: y\r\n", ResponseEnd::Complete).info ==
        "truncated response headers");
}

TEST_CASE("malformed or short responses are Layer7 invalid response", "[health][http_check]") {
  const auto empty = evaluate_check_response(CheckExpect{}, "", ResponseEnd::Complete);
  CHECK(empty.status == CheckStatus::Layer7InvalidResponse);
  CHECK(empty.info == "empty response");
  CHECK(evaluate_check_response(CheckExpect{}, "HTTP/1.1 200", ResponseEnd::Complete).info == "truncated status line");
  const auto junk = evaluate_check_response(CheckExpect{}, "SSH-2.0-OpenSSH\r\n", ResponseEnd::Complete);
  CHECK(junk.status == CheckStatus::Layer7InvalidResponse);
  CHECK(junk.info == "not an HTTP/1 status line");
  CHECK(junk.code == 0);
  CHECK(describe(junk.status) == "Layer7 invalid response");
}

TEST_CASE("a timeout is Layer7 timeout unless the status already arrived", "[health][http_check]") {
  const auto none = evaluate_check_response(CheckExpect{}, "", ResponseEnd::Timeout);
  CHECK(none.status == CheckStatus::Layer7Timeout);
  CHECK(describe(none.status) == "Layer7 timeout");
  CHECK(evaluate_check_response(CheckExpect{}, "HTTP/1.1 20", ResponseEnd::Timeout).status ==
        CheckStatus::Layer7Timeout);
  // The status line is enough for a status expectation; a slow body does not matter.
  CHECK(evaluate_check_response(CheckExpect{}, "HTTP/1.1 200 OK\r\nContent-Length: 9", ResponseEnd::Timeout).status ==
        CheckStatus::Layer7Ok);
  // A string expectation needs the body it did not get.
  const auto slow = evaluate_check_response(string("ready"), "HTTP/1.1 200 OK\r\n\r\nrea", ResponseEnd::Timeout);
  CHECK(slow.status == CheckStatus::Layer7Timeout);
  CHECK(slow.code == 200);
}

TEST_CASE("a check stops reading once the verdict is known", "[health][http_check]") {
  CHECK_FALSE(response_is_decisive(CheckExpect{}, "HTTP/1.1 200 OK"));
  CHECK(response_is_decisive(CheckExpect{}, "HTTP/1.1 200 OK\r\n"));
  CHECK_FALSE(response_is_decisive(string("ready"), "HTTP/1.1 200 OK\r\n\r\nrea"));
  CHECK(response_is_decisive(string("ready"), "HTTP/1.1 200 OK\r\n\r\nready"));
  CHECK(evaluate_check_response(string("ready"), "HTTP/1.1 200 OK\r\n\r\nready", ResponseEnd::Timeout).status ==
        CheckStatus::Layer7Ok);
}
