#include "proxyd/core/health/tcp_check.h"

#include <catch2/catch.hpp>

#include "proxyd/core/health/check_presets.h"

using proxyd::health::CheckStatus;
using proxyd::health::parse_tcp_check_step;
using proxyd::health::TcpCheckRun;
using proxyd::health::TcpCheckStep;
using Kind = TcpCheckRun::Action::Kind;

namespace {

std::vector<TcpCheckStep> script(const std::vector<std::string>& lines) {
  std::vector<TcpCheckStep> steps;
  for (const auto& l : lines) {
    auto step = parse_tcp_check_step(l);
    INFO(l << ": " << (step ? std::string() : step.error().describe()));
    REQUIRE(step);
    steps.push_back(std::move(*step));
  }
  return steps;
}

}  // namespace

TEST_CASE("tcp-check: Redis role check, step by step", "[health][tcp-check]") {
  // HAProxy's classic: tcp-check connect / send PING / expect +PONG /
  // send info replication / expect role:master / send QUIT / expect +OK.
  const auto steps = script({"connect", "send PING\\r\\n", "expect string +PONG", "send info replication\\r\\n",
                             "expect string role:master", "send QUIT\\r\\n", "expect string +OK"});
  TcpCheckRun run(steps);
  CHECK(run.connect_port() == 0);
  auto a = run.start();
  REQUIRE(a.kind == Kind::Send);
  CHECK(a.bytes == "PING\r\n");
  CHECK(run.sent().kind == Kind::Receive);
  CHECK(run.received("+PO", false).kind == Kind::Receive);  // not yet
  a = run.received("NG\r\n", false);
  REQUIRE(a.kind == Kind::Send);
  CHECK(a.bytes == "info replication\r\n");
  CHECK(run.sent().kind == Kind::Receive);
  a = run.received("$400\r\n# Replication\r\nrole:slave\r\n", true);
  REQUIRE(a.kind == Kind::Done);
  CHECK(a.result.status == CheckStatus::Layer7InvalidResponse);
  CHECK(a.result.info == "TCPCHK did not match content 'role:master' at step 5");
}

TEST_CASE("tcp-check: success, timeouts, negation, binary and regex matches", "[health][tcp-check]") {
  {
    const auto steps = script({"send PING\\r\\n", "expect string +PONG"});  // implicit connect: step 1
    TcpCheckRun run(steps);
    run.start();
    run.sent();
    const auto done = run.received("+PONG\r\n", false);
    REQUIRE(done.kind == Kind::Done);
    CHECK(done.result.status == CheckStatus::Layer7Ok);
    CHECK(done.result.info == "(tcp-check)");
  }
  {
    const auto steps = script({"expect rstring ^220 ", "send QUIT\\r\\n"});
    TcpCheckRun timeout(steps);
    CHECK(timeout.start().kind == Kind::Receive);
    const auto done = timeout.received({}, false, true);
    REQUIRE(done.kind == Kind::Done);
    CHECK(done.result.status == CheckStatus::Layer7Timeout);
    CHECK(done.result.info == " at step 2 of tcp-check (expect rstring '^220')");
    TcpCheckRun banner(steps);
    banner.start();
    CHECK(banner.received("220 mail.example.org ESMTP\r\n", false).kind == Kind::Send);
  }
  {
    const auto steps = script({"expect ! string ERR"});
    TcpCheckRun bad(steps);
    bad.start();
    CHECK(bad.received("-ERR no\r\n", false).result.info == "TCPCHK matched unwanted content 'ERR' at step 2");
    TcpCheckRun good(steps);
    good.start();
    CHECK(good.received("+OK\r\n", false).kind == Kind::Receive);  // waits for the end
    CHECK(good.received({}, true).result.status == CheckStatus::Layer7Ok);
  }
  {
    const auto steps = script({"connect port 6380", "send_binary 0102ff", "expect binary 0a0b", "expect rbinary ^0C"});
    TcpCheckRun run(steps);
    CHECK(run.connect_port() == 6380);
    CHECK(run.start().bytes == std::string("\x01\x02\xff", 3));
    run.sent();
    CHECK(run.received(std::string("\x00\x0a\x0b", 3), false).kind == Kind::Receive);  // next expect
    CHECK(run.received("\x0c", false).result.status == CheckStatus::Layer7Ok);
  }
}

TEST_CASE("tcp-check: presets and bad steps", "[health][tcp-check]") {
  const auto redis = *proxyd::health::preset_tcp_check("redis-check");
  REQUIRE(redis);
  REQUIRE(redis->size() == 2);
  CHECK((*redis)[0].data == "PING\r\n");
  CHECK((*proxyd::health::preset_tcp_check("smtpchk"))->size() == 3);
  CHECK_FALSE(*proxyd::health::preset_tcp_check("nosuch-check"));
  const auto error = [](const char* line) { return parse_tcp_check_step(line).error().describe(); };
  CHECK(error("expect strin x").find("expect [!] string|rstring|binary|rbinary PATTERN") != std::string::npos);
  CHECK(error("send_binary 0g").find("not hexadecimal") != std::string::npos);
  CHECK(error("send").find("send needs the data to send") != std::string::npos);
  CHECK(error("connect port 0").find("connect [port N] [ssl]") != std::string::npos);
  CHECK(error("connect ssl ssl").find("connect [port N] [ssl]") != std::string::npos);
  CHECK(error("connect addr 10.0.0.1").find("other connect options are not supported") != std::string::npos);
  const auto tls = script({"connect ssl port 8443", "expect string ok"});
  CHECK(tls[0].ssl);
  CHECK(tls[0].port == 8443);
  CHECK(TcpCheckRun(tls).connect_ssl());
  CHECK(script({"connect port 6379 ssl"})[0].ssl);
  CHECK_FALSE(TcpCheckRun(script({"connect port 6379"})).connect_ssl());
  CHECK(error("expect rstring (").find("regex") != std::string::npos);
  CHECK(error("send a\\q").find("unknown escape") != std::string::npos);
  CHECK(error("recv").find("unknown tcp_check step 'recv'") != std::string::npos);
}

TEST_CASE("tcp-check: a connect in mid-script asks for a new connection, then goes on", "[health][tcp-check]") {
  const auto steps = script({"expect string alpha", "connect port 8081", "send STATUS\\r\\n", "expect string beta"});
  TcpCheckRun run(steps);
  CHECK(run.connect_port() == 0);  // the first connection is the implicit one
  CHECK_FALSE(run.started());
  CHECK(run.start().kind == Kind::Receive);
  CHECK(run.started());
  const auto connect = run.received("alpha\n", false);
  REQUIRE(connect.kind == Kind::Connect);
  CHECK(connect.port == 8081);
  CHECK_FALSE(connect.ssl);
  const auto send = run.connected();
  REQUIRE(send.kind == Kind::Send);
  CHECK(send.bytes == "STATUS\r\n");
  CHECK(run.sent().kind == Kind::Receive);
  CHECK(run.received("beta\n", false).result.status == CheckStatus::Layer7Ok);
}
