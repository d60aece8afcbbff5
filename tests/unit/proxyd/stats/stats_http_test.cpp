#include "proxyd/core/stats/stats_http.h"

#include <catch2/catch.hpp>

using namespace proxyd;
using namespace proxyd::stats;

namespace {

constexpr std::string_view kToken = "0123456789abcdef";

config::Stats settings(bool with_auth = true, bool admin = true) {
  config::Stats s;
  s.uri = "/stats";
  s.prometheus_uri = "/metrics";
  s.health_uri = "/healthz";
  s.realm = "proxyd statistics";
  s.admin = admin;
  if (with_auth) s.auth = {{"admin", "supersecret"}, {"ops", "other"}};
  return s;
}

http::Request request(std::string method, std::string target, std::vector<http::Header> headers = {}) {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.headers.push_back({"Host", "lb:8404"});
  return r;
}

// "admin:supersecret" and "ops:other", base64.
const http::Header kAdmin{"Authorization", "Basic YWRtaW46c3VwZXJzZWNyZXQ="};
const http::Header kOps{"Authorization", "Basic b3BzOm90aGVy"};
const http::Header kWrong{"Authorization", "Basic YWRtaW46d3Jvbmc="};  // admin:wrong
const http::Header kForm{"Content-Type", "application/x-www-form-urlencoded"};

int status_of(const StatsRoute& route) {
  REQUIRE(std::holds_alternative<http::Response>(route));
  return std::get<http::Response>(route).status;
}

StatsRoute post(std::string body, std::vector<http::Header> extra = {}, const config::Stats& s = settings()) {
  auto headers = std::vector<http::Header>{kAdmin, kForm};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return route_stats_request(request("POST", "/stats", headers), body, s, kToken);
}

}  // namespace

TEST_CASE("paths: page, ;csv, ;json, metrics and health; anything else is 404", "[proxyd][stats]") {
  const auto s = settings();
  auto route = [&](std::string target) {
    return route_stats_request(request("GET", std::move(target), {kAdmin}), "", s, kToken);
  };
  CHECK(std::get<ServePage>(route("/stats")).format == PageFormat::Html);
  CHECK(std::get<ServePage>(route("/stats;csv")).format == PageFormat::Csv);
  CHECK(std::get<ServePage>(route("/stats;json")).format == PageFormat::Json);
  CHECK(std::holds_alternative<ServeMetrics>(route("/metrics")));
  CHECK(std::holds_alternative<ServeHealth>(route("/healthz")));
  CHECK(std::holds_alternative<ServePage>(route("/stats?result=done")));
  CHECK(status_of(route("/stats/")) == 404);
  CHECK(status_of(route("/stats;xml")) == 404);
  CHECK(status_of(route("/")) == 404);
}

TEST_CASE("Basic auth guards everything but the health endpoint", "[proxyd][stats]") {
  const auto s = settings();
  const auto none = route_stats_request(request("GET", "/stats"), "", s, kToken);
  REQUIRE(status_of(none) == 401);
  const auto& challenge = std::get<http::Response>(none);
  REQUIRE(challenge.headers.size() >= 1);
  bool found = false;
  for (const auto& h : challenge.headers) {
    if (h.name == "WWW-Authenticate") found = h.value == "Basic realm=\"proxyd statistics\", charset=\"UTF-8\"";
  }
  CHECK(found);
  CHECK(status_of(route_stats_request(request("GET", "/stats", {kWrong}), "", s, kToken)) == 401);
  CHECK(status_of(route_stats_request(request("GET", "/metrics"), "", s, kToken)) == 401);
  CHECK(status_of(route_stats_request(request("GET", "/stats;csv", {{"Authorization", "Bearer x"}}), "", s, kToken)) ==
        401);
  CHECK(std::holds_alternative<ServePage>(route_stats_request(request("GET", "/stats", {kOps}), "", s, kToken)));
  CHECK(std::holds_alternative<ServeHealth>(route_stats_request(request("GET", "/healthz"), "", s, kToken)));
  // Without auth configured, no challenge.
  CHECK(std::holds_alternative<ServePage>(route_stats_request(request("GET", "/stats"), "", settings(false), kToken)));
}

TEST_CASE("methods: GET and HEAD read, POST only on the page, 405 otherwise", "[proxyd][stats]") {
  const auto s = settings();
  CHECK(std::holds_alternative<ServePage>(route_stats_request(request("HEAD", "/stats", {kAdmin}), "", s, kToken)));
  const auto put = route_stats_request(request("PUT", "/stats", {kAdmin}), "", s, kToken);
  CHECK(status_of(put) == 405);
  CHECK(std::get<http::Response>(put).headers.back().value == "GET, HEAD, POST");
  CHECK(status_of(route_stats_request(request("POST", "/metrics", {kAdmin}), "", s, kToken)) == 405);
  CHECK(status_of(route_stats_request(request("POST", "/stats;csv", {kAdmin}), "", s, kToken)) == 405);
  CHECK(status_of(route_stats_request(request("POST", "/healthz"), "", s, kToken)) == 405);
}

TEST_CASE("an admin POST with the token becomes a server state change", "[proxyd][stats]") {
  const auto route = post("token=0123456789abcdef&b=app&s=web1&action=drain");
  REQUIRE(std::holds_alternative<ApplyAction>(route));
  const auto& command = std::get<ApplyAction>(route).command;
  CHECK(command.server == ServerRef{"app", "web1"});
  CHECK(command.state == AdminState::Drain);
  CHECK(std::holds_alternative<ApplyAction>(
      post("token=0123456789abcdef&b=app&s=web1&action=maint", {{"Origin", "http://lb:8404"}})));
  CHECK(std::holds_alternative<ApplyAction>(
      post("token=0123456789abcdef&b=app&s=web1&action=ready", {{"Sec-Fetch-Site", "same-origin"}})));
}

TEST_CASE("admin POSTs are refused without admin, token, form type or same origin", "[proxyd][stats]") {
  const std::string good = "token=0123456789abcdef&b=app&s=web1&action=drain";
  CHECK(status_of(post(good, {}, settings(true, false))) == 403);
  CHECK(status_of(post("token=wrong&b=app&s=web1&action=drain")) == 403);
  CHECK(status_of(post("b=app&s=web1&action=drain")) == 403);
  CHECK(status_of(post(good, {{"Origin", "http://evil.example"}})) == 403);
  CHECK(status_of(post(good, {{"Origin", "null"}})) == 403);
  CHECK(status_of(post(good, {{"Sec-Fetch-Site", "cross-site"}})) == 403);
  CHECK(status_of(post("token=0123456789abcdef&b=app&action=drain")) == 400);
  CHECK(status_of(post("token=0123456789abcdef&b=app&s=web1&action=reboot")) == 400);
  CHECK(status_of(post("token=%zz")) == 400);
  const auto json_body = route_stats_request(request("POST", "/stats", {kAdmin, {"Content-Type", "application/json"}}),
                                             good, settings(), kToken);
  CHECK(status_of(json_body) == 415);
  // Authentication comes first: no hint to strangers.
  CHECK(status_of(route_stats_request(request("POST", "/stats", {kForm}), good, settings(), kToken)) == 401);
}

TEST_CASE("after an action, a 303 back to the page, whose notice is a fixed text", "[proxyd][stats]") {
  const auto s = settings();
  const auto r = action_redirect(s, ActionOutcome::Done);
  CHECK(r.status == 303);
  CHECK(r.headers[0].name == "Location");
  CHECK(r.headers[0].value == "/stats?result=done");
  CHECK(
      std::get<ServePage>(route_stats_request(request("GET", "/stats?result=done", {kAdmin}), "", s, kToken)).notice ==
      "Done.");
  CHECK(
      std::get<ServePage>(route_stats_request(request("GET", "/stats?result=no-such-server", {kAdmin}), "", s, kToken))
          .notice.starts_with("No such server"));
  CHECK(std::get<ServePage>(route_stats_request(request("GET", "/stats?result=%3Cscript%3E", {kAdmin}), "", s, kToken))
            .notice.empty());
}

TEST_CASE("responses: health 200/503 as text, the page with a restrictive policy", "[proxyd][stats]") {
  CHECK(health_response({true, "ok"}).status == 200);
  CHECK(health_response({true, "ok"}).body == "ok\n");
  const auto down = health_response({false, "backend app has no usable server"});
  CHECK(down.status == 503);
  CHECK(down.body == "backend app has no usable server\n");
  const auto page = page_response(PageFormat::Html, "<html>");
  bool csp = false, frames = false;
  for (const auto& h : page.headers) {
    csp = csp || (h.name == "Content-Security-Policy" && h.value.find("default-src 'none'") != std::string::npos);
    frames = frames || (h.name == "X-Frame-Options" && h.value == "DENY");
  }
  CHECK(csp);
  CHECK(frames);
  CHECK(metrics_response("x").headers[0].value.starts_with("text/plain; version=0.0.4"));
}

TEST_CASE("the page inside a proxy: the target's start, HAProxy's ;csv and ;json, auth, reads only") {
  auto page = settings(true, false);
  page.uri = "/haproxy?stats";
  CHECK_FALSE(route_inline_stats("GET", "/haproxy", std::nullopt, page));
  CHECK_FALSE(route_inline_stats("GET", "/other?stats", std::nullopt, page));
  const auto anonymous = route_inline_stats("GET", "/haproxy?stats", std::nullopt, page);
  REQUIRE(anonymous);
  CHECK(status_of(*anonymous) == 401);
  const auto wrong = route_inline_stats("GET", "/haproxy?stats", kWrong.value, page);
  REQUIRE(wrong);
  CHECK(status_of(*wrong) == 401);
  const auto html = route_inline_stats("GET", "/haproxy?stats", kAdmin.value, page);
  REQUIRE(html);
  REQUIRE(std::holds_alternative<ServePage>(*html));
  CHECK(std::get<ServePage>(*html).format == PageFormat::Html);
  const auto csv = route_inline_stats("HEAD", "/haproxy?stats;csv;norefresh", kOps.value, page);
  REQUIRE(csv);
  REQUIRE(std::holds_alternative<ServePage>(*csv));
  CHECK(std::get<ServePage>(*csv).format == PageFormat::Csv);
  const auto json = route_inline_stats("GET", "/haproxy?stats;json", kOps.value, page);
  REQUIRE(json);
  CHECK(std::get<ServePage>(*json).format == PageFormat::Json);
  const auto post = route_inline_stats("POST", "/haproxy?stats", kAdmin.value, page);
  REQUIRE(post);
  CHECK(status_of(*post) == 405);
  page.auth.clear();
  const auto open = route_inline_stats("GET", "/haproxy?stats", std::nullopt, page);
  REQUIRE(open);
  CHECK(std::holds_alternative<ServePage>(*open));
}
