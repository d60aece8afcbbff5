#include "proxyd/core/http/rules.h"

#include "proxyd/core/config/http_config.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <vector>

using namespace proxyd::http;

namespace {

// A request head built by hand: only its target and fields matter here.
MessageHead head_with(std::string_view target, std::vector<HeaderField> headers = {}) {
  MessageHead head;
  head.method = "GET";
  head.target = target;
  head.headers = std::move(headers);
  return head;
}

// proxyd's first condition syntax (`if host NAME` ...), as the configuration
// reads it: an anonymous HAProxy ACL.
proxyd::sample::Condition legacy(const std::string& text) {
  auto c = proxyd::config::parse_condition(text);
  INFO(text);
  REQUIRE(c);
  REQUIRE(proxyd::sample::resolve(*c, {}));
  return *c;
}

bool holds(const std::string& condition, const MessageHead* head, std::string_view sni = {}) {
  proxyd::sample::Context ctx;
  ctx.request = head;
  ctx.sni = sni;
  return proxyd::sample::evaluate(legacy(condition), ctx);
}

bool host_holds(const std::string& condition, std::string_view host) {
  const auto head = head_with("/", {{"Host", host}});
  return holds(condition, &head);
}

bool path_holds(const std::string& condition, std::string_view path) {
  const auto head = head_with(path);
  return holds(condition, &head);
}

}  // namespace

TEST_CASE("host conditions compare the name without the port, ignoring case", "[proxyd][http][rules]") {
  CHECK(host_holds("if host example.org", "example.org"));
  CHECK(host_holds("if host example.org", "Example.ORG"));
  CHECK(host_holds("if host example.org", "example.org:8080"));
  CHECK_FALSE(host_holds("if host example.org", "www.example.org"));
  CHECK_FALSE(host_holds("if host example.org", ""));
  CHECK(host_holds("if host [::1]", "[::1]:80"));
}

TEST_CASE("host_without_port handles names, IPv4 and bracketed IPv6", "[proxyd][http][rules]") {
  CHECK(host_without_port("Example.org:8080") == "Example.org");
  CHECK(host_without_port("example.org") == "example.org");
  CHECK(host_without_port("192.0.2.1:80") == "192.0.2.1");
  CHECK(host_without_port("[::1]:80") == "[::1]");
  CHECK(host_without_port("[2001:db8::1]") == "[2001:db8::1]");
  CHECK(host_without_port("[::1") == "[::1");                // no closing bracket: left alone
  CHECK(host_without_port("2001:db8::1") == "2001:db8::1");  // bare IPv6: not cut
  CHECK(host_without_port("example.org:") == "example.org");
  CHECK(host_without_port("").empty());
}

TEST_CASE("path conditions: prefix and exact, case-sensitive", "[proxyd][http][rules]") {
  CHECK(path_holds("if path_beg /api", "/api"));
  CHECK(path_holds("if path_beg /api", "/api/v1/users"));
  CHECK(path_holds("if path_beg /api", "/apiary"));  // a plain prefix, as HAProxy's path_beg
  CHECK_FALSE(path_holds("if path_beg /api", "/API"));
  CHECK_FALSE(path_holds("if path_beg /api", "/"));
  CHECK(path_holds("if path /exact", "/exact"));
  CHECK(path_holds("if path /exact", "/exact?query"));
  CHECK_FALSE(path_holds("if path /exact", "/exact/"));
  CHECK_FALSE(path_holds("if path /exact", "/exac"));
}

TEST_CASE("header conditions test the first value, or presence when no value is given", "[proxyd][http][rules]") {
  const auto head = head_with("/", {{"Host", "example.org"}, {"X-Tenant", "Blue"}, {"x-tenant", "red"}});
  CHECK(holds("if hdr x-tenant blue", &head));
  CHECK_FALSE(holds("if hdr X-Tenant red", &head));  // only the first copy
  CHECK(holds("if hdr X-TENANT", &head));
  CHECK_FALSE(holds("if hdr X-Other", &head));
  CHECK_FALSE(holds("if hdr X-Other blue", &head));
  // TCP mode: no head, no header matches.
  CHECK_FALSE(holds("if hdr X-Tenant", nullptr, "a"));
}

TEST_CASE("sni conditions ignore case and also work in TCP mode", "[proxyd][http][rules]") {
  CHECK(holds("if sni api.example.org", nullptr, "API.example.org"));
  CHECK_FALSE(holds("if sni api.example.org", nullptr, ""));
  const auto head = head_with("/", {{"Host", "api.example.org"}});
  CHECK_FALSE(holds("if sni api.example.org", &head));  // the Host header is not the SNI
}

TEST_CASE("unless negates a condition", "[proxyd][http][rules]") {
  CHECK_FALSE(path_holds("unless path_beg /admin", "/admin/users"));
  CHECK(path_holds("unless path_beg /admin", "/index.html"));
}

TEST_CASE("the first matching use_backend rule wins", "[proxyd][http][rules]") {
  const std::vector<UseBackendRule> rules{
      {"api", std::nullopt, legacy("if path_beg /api"), 10},
      {"static", std::nullopt, legacy("if host static.example.org"), 11},
      {"catch", std::nullopt, legacy("if path_beg /"), 12},
  };
  const auto pick = [](std::span<const UseBackendRule> r, std::string_view host, std::string_view path) {
    const auto head = head_with(path, {{"Host", host}});
    proxyd::sample::Context ctx;
    ctx.request = &head;
    return select_backend(r, ctx);
  };
  CHECK(pick(rules, "static.example.org", "/api/x") == "api");
  CHECK(pick(rules, "static.example.org:443", "/img.png") == "static");
  CHECK(pick(rules, "www.example.org", "/") == "catch");
  CHECK(pick(std::span(rules).first(2), "www.example.org", "/") == std::nullopt);
  CHECK(pick({}, "x", "/") == std::nullopt);
}

TEST_CASE("a scheme redirect keeps host and target", "[proxyd][http][rules]") {
  const RedirectRule rule{RedirectRule::Kind::Scheme, "https", 301, std::nullopt, 3};
  CHECK(build_redirect(rule, "example.org", "/a?b") ==
        "HTTP/1.1 301 Moved Permanently\r\nContent-Length: 0\r\nLocation: https://example.org/a?b\r\n"
        "Connection: close\r\n\r\n");
  CHECK(build_redirect(rule, "example.org:8080", "/") ==
        "HTTP/1.1 301 Moved Permanently\r\nContent-Length: 0\r\nLocation: https://example.org:8080/\r\n"
        "Connection: close\r\n\r\n");
}

TEST_CASE("a location redirect sends the configured URL with the configured code", "[proxyd][http][rules]") {
  RedirectRule rule{RedirectRule::Kind::Location, "https://www.example.org/moved", 302, std::nullopt, 4};
  CHECK(build_redirect(rule, "example.org", "/ignored") ==
        "HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: https://www.example.org/moved\r\n"
        "Connection: close\r\n\r\n");
  const std::pair<int, std::string_view> codes[] = {
      {303, "See Other"}, {307, "Temporary Redirect"}, {308, "Permanent Redirect"}, {301, "Moved Permanently"}};
  for (const auto& [code, reason] : codes) {
    rule.code = code;
    CHECK(build_redirect(rule, "h", "/").starts_with(fmt::format("HTTP/1.1 {} {}\r\n", code, reason)));
  }
}
