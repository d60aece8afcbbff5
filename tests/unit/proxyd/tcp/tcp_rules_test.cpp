#include "proxyd/core/tcp/tcp_rules.h"

#include <catch2/catch.hpp>

using proxyd::tcp::Stage;
using proxyd::tcp::TcpRule;
using proxyd::tcp::Verdict;

namespace {

std::vector<TcpRule> rules_of(const std::vector<std::string>& values) {
  std::vector<TcpRule> rules;
  for (const auto& v : values) {
    auto r = proxyd::tcp::parse_tcp_rule(v);
    INFO(v << ": " << (r ? std::string() : r.error().describe()));
    REQUIRE(r);
    if (r->condition) REQUIRE(proxyd::sample::resolve(*r->condition, {}));
    rules.push_back(std::move(*r));
  }
  return rules;
}

std::string error_of(const std::string& value) {
  const auto r = proxyd::tcp::parse_tcp_rule(value);
  return r ? std::string() : r.error().describe();
}

}  // namespace

TEST_CASE("tcp_request rules: stages, first accept or reject wins, set-var", "[tcp][rules]") {
  const auto rules = rules_of({
      "connection reject if { src 10.0.0.0/8 }",
      "connection set-var(sess.port) dst_port",
      "connection expect-proxy layer4 if { src 192.0.2.0/24 }",
      "content accept if { req_ssl_hello_type 1 }",
      "content reject if { req.len gt 0 }",
      "session reject if { var(sess.port) -m int 22 }",
  });
  proxyd::sample::Variables vars;
  proxyd::sample::Context ctx;
  ctx.vars = &vars;
  ctx.dst = *common::net::Endpoint::parse("127.0.0.1:443");
  ctx.src = *common::net::Endpoint::parse("10.1.2.3:1000");
  CHECK(run_tcp_rules(rules, Stage::Connection, ctx).verdict == Verdict::Reject);
  ctx.src = *common::net::Endpoint::parse("192.0.2.9:1000");
  auto r = run_tcp_rules(rules, Stage::Connection, ctx);
  CHECK(r.verdict == Verdict::Accept);
  CHECK(r.expect_proxy);
  CHECK(vars.get({proxyd::sample::VarScope::Sess, "port"})->as_int() == 443);
  CHECK(run_tcp_rules(rules, Stage::Session, ctx).verdict == Verdict::Accept);
  ctx.payload_length = 0;
  CHECK(run_tcp_rules(rules, Stage::Content, ctx).verdict == Verdict::Accept);  // no rule decided
  ctx.payload_length = 120;
  CHECK(run_tcp_rules(rules, Stage::Content, ctx).verdict == Verdict::Reject);
  ctx.hello_type = 1;
  r = run_tcp_rules(rules, Stage::Content, ctx);
  CHECK(r.verdict == Verdict::Accept);
  CHECK(proxyd::tcp::has_stage(rules, Stage::Session));
}

TEST_CASE("tcp_request rules that cannot work are refused", "[tcp][rules]") {
  CHECK(error_of("content").find("expected connection|session|content ACTION") != std::string::npos);
  CHECK(error_of("request reject").find("expected connection, session or content") != std::string::npos);
  CHECK(error_of("content drop").find("unknown tcp_request action 'drop'") != std::string::npos);
  CHECK(error_of("content expect-proxy layer4").find("expect-proxy is a connection rule") != std::string::npos);
  CHECK(error_of("connection expect-proxy").find("expected expect-proxy layer4") != std::string::npos);
  CHECK(error_of("connection reject if { path_beg /x }").find("cannot read HTTP") != std::string::npos);
  CHECK(error_of("content set-var(txn.x)").find("set-var expects one EXPRESSION") != std::string::npos);
  CHECK(error_of("content accept now").find("accept takes no argument") != std::string::npos);
  CHECK(error_of("content reject if { path_beg /x }").empty());  // content in mode http reads the request
}
