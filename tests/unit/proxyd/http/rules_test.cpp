#include "proxyd/core/http/rules.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <vector>

using namespace proxyd::http;

namespace {

Condition condition(Condition::Kind kind, std::string value, std::string name = {}, bool negate = false) {
  return Condition{kind, std::move(name), std::move(value), negate};
}

// A request head built by hand: only its fields matter here.
MessageHead head_with(std::vector<HeaderField> headers) {
  MessageHead head;
  head.method = "GET";
  head.target = "/";
  head.headers = std::move(headers);
  return head;
}

}  // namespace

TEST_CASE("host conditions compare the name without the port, ignoring case", "[proxyd][http][rules]") {
  const auto c = condition(Condition::Kind::Host, "example.org");
  CHECK(matches(c, {.host = "example.org"}));
  CHECK(matches(c, {.host = "Example.ORG"}));
  CHECK(matches(c, {.host = "example.org:8080"}));
  CHECK_FALSE(matches(c, {.host = "www.example.org"}));
  CHECK_FALSE(matches(c, {.host = ""}));
  CHECK(matches(condition(Condition::Kind::Host, "[::1]"), {.host = "[::1]:80"}));
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
  const auto beg = condition(Condition::Kind::PathBeg, "/api");
  CHECK(matches(beg, {.path = "/api"}));
  CHECK(matches(beg, {.path = "/api/v1/users"}));
  CHECK(matches(beg, {.path = "/apiary"}));  // a plain prefix, as HAProxy's path_beg
  CHECK_FALSE(matches(beg, {.path = "/API"}));
  CHECK_FALSE(matches(beg, {.path = "/"}));
  const auto exact = condition(Condition::Kind::Path, "/exact");
  CHECK(matches(exact, {.path = "/exact"}));
  CHECK_FALSE(matches(exact, {.path = "/exact/"}));
  CHECK_FALSE(matches(exact, {.path = "/exac"}));
}

TEST_CASE("header conditions test the first value, or presence when no value is given", "[proxyd][http][rules]") {
  const auto head = head_with({{"Host", "example.org"}, {"X-Tenant", "Blue"}, {"x-tenant", "red"}});
  RequestFacts facts{.host = "example.org", .path = "/", .head = &head};
  CHECK(matches(condition(Condition::Kind::Header, "blue", "x-tenant"), facts));
  CHECK_FALSE(matches(condition(Condition::Kind::Header, "red", "X-Tenant"), facts));  // only the first copy
  CHECK(matches(condition(Condition::Kind::Header, "", "X-TENANT"), facts));
  CHECK_FALSE(matches(condition(Condition::Kind::Header, "", "X-Other"), facts));
  CHECK_FALSE(matches(condition(Condition::Kind::Header, "blue", "X-Other"), facts));
  // TCP mode: no head, no header matches.
  CHECK_FALSE(matches(condition(Condition::Kind::Header, "", "X-Tenant"), {.sni = "a"}));
}

TEST_CASE("sni conditions ignore case and also work in TCP mode", "[proxyd][http][rules]") {
  const auto c = condition(Condition::Kind::Sni, "api.example.org");
  CHECK(matches(c, {.sni = "API.example.org"}));
  CHECK_FALSE(matches(c, {.sni = ""}));
  CHECK_FALSE(matches(c, {.host = "api.example.org"}));  // the Host header is not the SNI
}

TEST_CASE("unless negates a condition", "[proxyd][http][rules]") {
  const auto c = condition(Condition::Kind::PathBeg, "/admin", {}, true);
  CHECK_FALSE(matches(c, {.path = "/admin/users"}));
  CHECK(matches(c, {.path = "/index.html"}));
}

TEST_CASE("the first matching use_backend rule wins", "[proxyd][http][rules]") {
  const std::vector<UseBackendRule> rules{
      {"api", condition(Condition::Kind::PathBeg, "/api"), 10},
      {"static", condition(Condition::Kind::Host, "static.example.org"), 11},
      {"catch", condition(Condition::Kind::PathBeg, "/"), 12},
  };
  CHECK(select_backend(rules, {.host = "static.example.org", .path = "/api/x"}) == "api");
  CHECK(select_backend(rules, {.host = "static.example.org:443", .path = "/img.png"}) == "static");
  CHECK(select_backend(rules, {.host = "www.example.org", .path = "/"}) == "catch");
  CHECK(select_backend(std::span(rules).first(2), {.host = "www.example.org", .path = "/"}) == std::nullopt);
  CHECK(select_backend({}, {.path = "/"}) == std::nullopt);
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
