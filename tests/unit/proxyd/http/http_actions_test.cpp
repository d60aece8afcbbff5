#include "proxyd/core/http/http_actions.h"

#include <catch2/catch.hpp>

using proxyd::http::ActionResult;
using proxyd::http::HttpAction;
using proxyd::http::RuleSet;

namespace {

struct Fixture {
  std::string bytes = "GET /app/page?x=1 HTTP/1.1\r\nHost: www.example.org\r\nX-Tenant: blue\r\n\r\n";
  proxyd::http::HeadParser parser{proxyd::http::MessageKind::Request, {}};
  proxyd::sample::Context ctx;

  Fixture() {
    REQUIRE(parser.parse(bytes).status == proxyd::http::HeadResult::Status::Done);
    ctx.request = &parser.head();
    ctx.src = *common::net::Endpoint::parse("192.0.2.7:40000");
    ctx.dst = *common::net::Endpoint::parse("10.0.0.10:8443");
  }

  // Runs the request rules <values> (resolved against no named ACL).
  ActionResult run(const std::vector<std::string>& values) {
    std::vector<HttpAction> rules;
    for (const auto& v : values) {
      auto a = proxyd::http::parse_http_action(v, RuleSet::Request);
      INFO(v);
      REQUIRE(a);
      if (a->condition) REQUIRE(proxyd::sample::resolve(*a->condition, {}));
      rules.push_back(std::move(*a));
    }
    ActionResult r;
    proxyd::http::run_actions(rules, ctx, "www.example.org", parser.head().target, r);
    return r;
  }
};

std::string error_of(const std::string& value, RuleSet set = RuleSet::Request) {
  const auto a = proxyd::http::parse_http_action(value, set);
  return a ? std::string() : a.error().describe();
}

}  // namespace

TEST_CASE("set-header, add-header and del-header render %[...] per request, in order", "[http][actions]") {
  Fixture f;
  const auto r = f.run({"set-header X-Forwarded-Port %[dst_port]", "add-header X-Client %[src] if { src 192.0.2.0/24 }",
                        "add-header X-Never no if { src 10.0.0.0/8 }", "del-header X-Tenant",
                        "set-header X-Host %[req.hdr(host),upper]"});
  CHECK(r.stop == ActionResult::Stop::None);
  REQUIRE(r.edits.size() == 4);
  CHECK(r.edits[0].name == "X-Forwarded-Port");
  CHECK(r.edits[0].value == "8443");
  CHECK(r.edits[1].value == "192.0.2.7");
  CHECK(r.edits[2].action == proxyd::http::HeaderRule::Action::Del);
  CHECK(r.edits[3].value == "WWW.EXAMPLE.ORG");
}

TEST_CASE("set-path keeps the query, and later rules see the new target", "[http][actions]") {
  Fixture f;
  auto r = f.run({"set-path /prefix%[path]"});
  REQUIRE(r.target);
  CHECK(*r.target == "/prefix/app/page?x=1");
  r = f.run({"set-path /prefix%[path]", "redirect prefix https://cdn.example.org code 301"});
  CHECK(r.response.find("Location: https://cdn.example.org/prefix/app/page?x=1\r\n") != std::string::npos);
}

TEST_CASE("deny, return and redirect stop the pass, allow stops it without answering", "[http][actions]") {
  Fixture f;
  auto r = f.run({"deny if { hdr(x-tenant) blue }", "set-header X-After 1"});
  CHECK(r.stop == ActionResult::Stop::Deny);
  CHECK(r.status == 403);
  CHECK(r.response.empty());  // proxyd's error page for 403
  CHECK(r.edits.empty());

  r = f.run({"deny deny_status 429 content-type text/plain string slow-down"});
  CHECK(r.status == 429);
  CHECK(r.response.find("HTTP/1.1 429 Too Many Requests\r\n") == 0);
  CHECK(r.response.ends_with("\r\n\r\nslow-down"));

  r =
      f.run({"return status 200 content-type \"text/plain; charset=utf-8\" lf-string \"you are %[src]\" "
             "hdr Cache-Control no-store if { path_beg /app }"});
  CHECK(r.stop == ActionResult::Stop::Return);
  CHECK(r.response.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(r.response.find("Cache-Control: no-store\r\n") != std::string::npos);
  CHECK(r.response.find("Content-Length: 17\r\n") != std::string::npos);
  CHECK(r.response.ends_with("you are 192.0.2.7"));

  r = f.run({"redirect scheme https code 301 unless { ssl_fc }"});
  CHECK(r.stop == ActionResult::Stop::Redirect);
  CHECK(r.response.find("Location: https://www.example.org/app/page?x=1\r\n") != std::string::npos);
  r = f.run({"redirect location https://%[req.hdr(host)]/moved"});
  CHECK(r.status == 302);
  CHECK(r.response.find("Location: https://www.example.org/moved\r\n") != std::string::npos);

  r = f.run({"allow if { src 192.0.2.0/24 }", "deny"});
  CHECK(r.stop == ActionResult::Stop::Allow);
}

TEST_CASE("replace-header and replace-path rewrite with back-references", "[http][actions]") {
  Fixture f;
  auto r = f.run({"replace-header X-Tenant (bl)(ue) \\2-\\1", "replace-header Host nomatch x"});
  REQUIRE(r.edits.size() == 2);  // the X-Tenant fields, deleted and added back rewritten
  CHECK(r.edits[0].action == proxyd::http::HeaderRule::Action::Del);
  CHECK(r.edits[1].value == "ue-bl");
  r = f.run({"replace-path ^/app/(.*) /v2/\\1"});
  REQUIRE(r.target);
  CHECK(*r.target == "/v2/page?x=1");
  r = f.run({"replace-path ^/nomatch/ /x"});
  CHECK_FALSE(r.target);
}

TEST_CASE("bad http_request and http_response rules say what is wrong", "[http][actions]") {
  CHECK(error_of("sethdr X 1").find("unknown http_request action 'sethdr'") != std::string::npos);
  CHECK(error_of("set-header X").find("set-header expects NAME VALUE") != std::string::npos);
  CHECK(error_of("set-header X %[srcc]").find("unknown fetch 'srcc' (did you mean 'src'?)") != std::string::npos);
  CHECK(error_of("set-header X %[src").find("'%[' without ']'") != std::string::npos);
  CHECK(error_of("set-header X %ci").find("log-format variable '%c' is not supported here") != std::string::npos);
  CHECK(error_of("deny deny_status 99").find("expected an HTTP status") != std::string::npos);
  CHECK(error_of("return string x").find("a body needs content-type") != std::string::npos);
  CHECK(error_of("return status 200 file /x").find("not supported yet") != std::string::npos);
  CHECK(error_of("replace-header Location (x y").find("column 25: regex '(x'") != std::string::npos);
  CHECK(error_of("replace-path /a").find("replace-path expects REGEX REPLACEMENT") != std::string::npos);
  CHECK(error_of("redirect location /x code 200").find("redirect code") != std::string::npos);
  CHECK(error_of("deny if").find("empty") != std::string::npos);
  CHECK(error_of("redirect location /x", RuleSet::Response).find("unknown http_response action 'redirect'") !=
        std::string::npos);
  CHECK(error_of("del-header Server", RuleSet::Response).empty());
}
