#include "proxyd/core/health/check_presets.h"

#include <catch2/catch.hpp>

#include "proxyd/core/tls/client_hello.h"

using namespace proxyd::health;
using Kind = TcpCheckRun::Action::Kind;

namespace {

std::vector<TcpCheckStep> preset(std::string_view check) {
  auto steps = preset_tcp_check(check);
  REQUIRE(steps);
  REQUIRE(*steps);
  return **steps;
}

// Runs <steps> against a server that sends <greeting> first, answers
// <reply> to what it is sent, then closes; the final result.
CheckResult run(const std::vector<TcpCheckStep>& steps, const std::string& greeting, const std::string& reply,
                std::string* sent = nullptr) {
  TcpCheckRun check(steps);
  auto action = check.start();
  std::vector<std::string> from_server;
  if (!greeting.empty()) from_server.push_back(greeting);
  from_server.push_back(reply);
  std::size_t next = 0;
  while (action.kind != Kind::Done) {
    if (action.kind == Kind::Send) {
      if (sent) *sent += action.bytes;
      action = check.sent();
    } else if (next < from_server.size()) {
      action = check.received(from_server[next++], false);
    } else {
      action = check.received({}, true);  // the server closed
    }
  }
  return action.result;
}

}  // namespace

TEST_CASE("pgsql-check sends a v3 StartupMessage and takes any authentication request as alive",
          "[proxyd][health][presets]") {
  const auto steps = preset("pgsql-check user haproxy");
  std::string sent;
  const std::string auth_ok("R\0\0\0\x08\0\0\0\0", 9);
  CHECK(run(steps, "", auth_ok, &sent).status == CheckStatus::Layer7Ok);
  CHECK(sent == std::string("\0\0\0\x16\0\x03\0\0user\0haproxy\0\0", 22));
  const std::string md5("R\0\0\0\x0c\0\0\0\x05salt", 13);
  CHECK(run(steps, "", md5).status == CheckStatus::Layer7Ok);
  const std::string sasl("R\0\0\0\x17\0\0\0\x0aSCRAM-SHA-256\0\0", 24);  // PostgreSQL 14+'s default
  CHECK(run(steps, "", sasl).status == CheckStatus::Layer7Ok);
  const std::string error("E\0\0\0\x20SFATAL\0C28000\0Mrole does not exist\0\0", 38);
  CHECK_FALSE(is_success(run(steps, "", error).status));
  CHECK_FALSE(preset_tcp_check("pgsql-check"));
}

TEST_CASE("mysql-check reads the v10 greeting, logs in without a password, wants OK", "[proxyd][health][presets]") {
  const std::string greeting(
      "\x4a\0\0\0\x0a"
      "8.0.36\0",
      12);
  CHECK(run(preset("mysql-check"), greeting, "").status == CheckStatus::Layer7Ok);
  std::string sent;
  const std::string ok("\x07\0\0\x02\0\0\0\x02\0\0\0", 11);
  CHECK(run(preset("mysql-check user haproxy"), greeting, ok, &sent).status == CheckStatus::Layer7Ok);
  // 3-byte length, sequence 1, 4.1 flags (PROTOCOL_41 | SECURE_CONNECTION), the user, an empty auth
  // response; then COM_QUIT.
  REQUIRE(sent.size() == 4 + 32 + 8 + 1 + 5);
  CHECK(sent.substr(0, 8) == std::string("\x29\0\0\x01\x00\x82\0\0", 8));
  CHECK(sent.substr(36, 9) == std::string("haproxy\0\0", 9));
  CHECK(sent.substr(45) == std::string("\x01\0\0\0\x01", 5));
  const std::string denied("\x17\0\0\x02\xff\x15\x04#28000Access denied", 27);
  CHECK_FALSE(is_success(run(preset("mysql-check user haproxy"), greeting, denied).status));
  std::string old;
  (void)run(preset("mysql-check user haproxy pre-41"), greeting, ok, &old);
  CHECK(old.substr(0, 9) == std::string("\x0e\0\0\x01\x01\x02\xff\xff\xff", 9));
  CHECK_FALSE(preset_tcp_check("mysql-check user"));
  CHECK_FALSE(preset_tcp_check("mysql-check user a post-42"));
}

TEST_CASE("ldap-check binds anonymously and wants resultCode success", "[proxyd][health][presets]") {
  const auto steps = preset("ldap-check");
  std::string sent;
  const std::string success("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x00\x04\x00\x04\x00", 14);
  CHECK(run(steps, "", success, &sent).status == CheckStatus::Layer7Ok);
  CHECK(sent == std::string("\x30\x0c\x02\x01\x01\x60\x07\x02\x01\x03\x04\x00\x80\x00", 14));
  // Active Directory's long-form BER lengths.
  const std::string long_form("\x30\x84\0\0\0\x10\x02\x01\x01\x61\x84\0\0\0\x07\x0a\x01\x00\x04\x00\x04\x00", 22);
  CHECK(run(steps, "", long_form).status == CheckStatus::Layer7Ok);
  const std::string refused("\x30\x0c\x02\x01\x01\x61\x07\x0a\x01\x31\x04\x00\x04\x00", 14);  // invalidCredentials
  CHECK_FALSE(is_success(run(steps, "", refused).status));
}

TEST_CASE("ssl-hello-chk sends a well-formed ClientHello and accepts a handshake or an alert",
          "[proxyd][health][presets]") {
  const auto steps = preset("ssl-hello-chk");
  std::string sent;
  CHECK(run(steps, "", std::string("\x16\x03\x03\x00\x31\x02", 6), &sent).status == CheckStatus::Layer7Ok);
  proxyd::tls::ClientHello hello;
  const auto parsed = proxyd::tls::parse_client_hello(
      std::span(reinterpret_cast<const std::uint8_t*>(sent.data()), sent.size()), hello);
  CHECK(parsed.status == proxyd::tls::HelloResult::Status::Done);
  CHECK(hello.legacy_version == 0x0303);
  CHECK(run(steps, "", std::string("\x15\x03\x03\x00\x02\x02\x28", 7)).status == CheckStatus::Layer7Ok);
  CHECK_FALSE(is_success(run(steps, "", "HTTP/1.1 400 Bad Request\r\n").status));
  CHECK_FALSE(preset_tcp_check("ssl-hello-chk now"));
}
