#include "proxyd/core/log/log_format.h"

#include <catch2/catch.hpp>

using namespace proxyd::log;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// The session of the tcplog example line.
TcpSessionRecord example() {
  TcpSessionRecord s;
  s.client = *common::net::Endpoint::parse("10.0.0.5:51234");
  s.accepted = {sys_days(year(2026) / November / 21) + 7h + 59min + 1s + 629ms, minutes(0)};
  s.frontend = "www";
  s.backend = "app_pool";
  s.server = "web1";
  s.queue_wait = 0ms;
  s.connect = 1ms;
  s.total = 5012ms;
  s.bytes_to_client = 1530;
  s.bytes_from_client = 312;
  s.process_connections = 1;
  s.frontend_connections = 1;
  return s;
}

std::string render(std::string_view format, const TcpSessionRecord& s) {
  const auto compiled = LogFormat::compile(format);
  REQUIRE(compiled);
  return compiled->render(s);
}

std::string error_of(std::string_view format) {
  const auto compiled = LogFormat::compile(format);
  REQUIRE_FALSE(compiled);
  return compiled.error().message;
}

}  // namespace

TEST_CASE("tcplog renders HAProxy's TCP log line", "[proxyd][log][log_format]") {
  const auto expected = "10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/web1 0/1/5012 1530 -- 1/1/0/0/0 0/0";
  CHECK(LogFormat::tcplog().render(example()) == expected);
  CHECK(render("tcplog", example()) == expected);
  CHECK(render(kTcpLogFormat, example()) == expected);
}

TEST_CASE("tcplog shows unreached timers as -1, no server, retries and queues", "[proxyd][log][log_format]") {
  auto s = example();
  s.server.clear();
  s.queue_wait = 3002ms;
  s.connect.reset();
  s.total = 3002ms;
  s.bytes_to_client = 0;
  s.termination = {TerminationCause::ServerTimeout, SessionPhase::Queue};
  s.backend_connections = 4;
  s.server_connections = 0;
  s.server_queue = 2;
  s.backend_queue = 7;
  CHECK(LogFormat::tcplog().render(s) ==
        "10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/<NOSRV> 3002/-1/3002 0 sQ 1/1/4/0/0 2/7");
  s.server = "web2";
  s.retries = 3;
  s.redispatched = true;
  s.termination = {TerminationCause::ServerAbort, SessionPhase::Connect};
  CHECK(LogFormat::tcplog().render(s) ==
        "10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/web2 3002/-1/3002 0 SC 1/1/4/0/+3 2/7");
  s.redispatched = false;
  CHECK(render("%rc", s) == "3");
}

TEST_CASE("an IPv6 client prints without brackets, as HAProxy does", "[proxyd][log][log_format]") {
  auto s = example();
  s.client = *common::net::Endpoint::parse("[2001:db8::5]:443");
  CHECK(render("%ci:%cp", s) == "2001:db8::5:443");
}

TEST_CASE("custom formats mix literals and variables", "[proxyd][log][log_format]") {
  const auto s = example();
  CHECK(render("client=%ci bytes=%B/%U state=%ts", s) == "client=10.0.0.5 bytes=1530/312 state=--");
  CHECK(render("%Tt%B", s) == "50121530");  // names end at the next '%'
  CHECK(render("100%% %b", s) == "100% app_pool");
  CHECK(render("%%%ft%%", s) == "%www%");
  CHECK(render("no variables", s) == "no variables");
  CHECK(render("", s).empty());
  CHECK(render("%s-%ft.%b", s) == "web1-www.app_pool");
  CHECK(render("%ac %fc %bc %sc %sq %bq %Tw %Tc", s) == "1 1 0 0 0 0 0 1");
  CHECK(render("[%t]", s) == "[21/Nov/2026:07:59:01.629]");
}

TEST_CASE("compiling rejects unknown variables by name", "[proxyd][log][log_format]") {
  CHECK(error_of("%ci %xyz") == "unknown log_format variable '%xyz'");
  CHECK_THAT(error_of("%Bx"), Catch::StartsWith("unknown log_format variable '%Bx'"));
  CHECK(error_of("%TT") == "unknown log_format variable '%TT' (did you mean '%Tt'?)");
  CHECK_THAT(error_of("%hx"), Catch::StartsWith("unknown log_format variable '%hx'"));
}

TEST_CASE("compiling rejects a dangling % and unknown flags", "[proxyd][log][log_format]") {
  CHECK(error_of("50%") == "log_format: '%' without a variable name at offset 2 (use %% for '%')");
  CHECK(error_of("a % b") == "log_format: '%' without a variable name at offset 2 (use %% for '%')");
  CHECK(error_of("%{+E}r") == "log_format: unknown flag '+E' (at offset 0; only +Q and -Q are supported)");
  CHECK(error_of("x %{+Q,+X}r") == "log_format: unknown flag '+X' (at offset 2; only +Q and -Q are supported)");
  CHECK(error_of("%{+Q") == "log_format: unterminated '%{' at offset 0");
  CHECK(error_of("%{+Q} r") == "log_format: '%' without a variable name at offset 0 (use %% for '%')");
  CHECK(error_of("%{+Q}xyz") == "unknown log_format variable '%xyz'");
}

namespace {

// The HTTP exchange of the httplog example line.
TcpSessionRecord http_example() {
  auto s = example();
  s.request_time = 0ms;
  s.queue_wait = 0ms;
  s.connect = 1ms;
  s.response_time = 3ms;
  s.active_time = 4ms;
  s.total = 4ms;
  s.status = 200;
  s.method = "GET";
  s.uri = "/index.html";
  s.version = "HTTP/1.1";
  s.cookie_request = 'N';
  s.cookie_response = 'I';
  return s;
}

}  // namespace

TEST_CASE("httplog renders HAProxy's HTTP log line without captures", "[proxyd][log][log_format][http]") {
  const auto expected =
      "10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/web1 0/0/1/3/4 200 1530 - - --NI 1/1/0/0/0 0/0 "
      "\"GET /index.html HTTP/1.1\"";
  CHECK(LogFormat::httplog().render(http_example()) == expected);
  CHECK(render("httplog", http_example()) == expected);
  CHECK(render(kHttpLogFormat, http_example()) == expected);
}

TEST_CASE("httplog for a request that never got an answer", "[proxyd][log][log_format][http]") {
  auto s = http_example();
  s.server.clear();
  s.connect.reset();
  s.response_time.reset();
  s.active_time = 10001ms;
  s.status = 0;
  s.bytes_to_client = 0;
  s.termination = {TerminationCause::ClientTimeout, SessionPhase::Request};
  s.cookie_request = '-';
  s.cookie_response = '-';
  s.method.clear();
  s.uri.clear();
  s.version.clear();
  CHECK(LogFormat::httplog().render(s) ==
        "10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/<NOSRV> 0/0/-1/-1/10001 -1 0 - - cR-- 1/1/0/0/0 0/0 "
        "\"<BADREQ>\"");
}

TEST_CASE("HTTP variables one by one", "[proxyd][log][log_format][http]") {
  auto s = http_example();
  CHECK(render("%HM %HU %HV", s) == "GET /index.html HTTP/1.1");
  CHECK(render("%r", s) == "GET /index.html HTTP/1.1");
  CHECK(render("%TR %Tr %Ta %ST", s) == "0 3 4 200");
  CHECK(render("%tsc|%ts", s) == "--NI|--");  // the longest name wins
  CHECK(render("%CC %CS", s) == "- -");
  s.termination = {TerminationCause::ServerAbort, SessionPhase::Data};
  s.cookie_request = 'V';
  s.cookie_response = 'N';
  CHECK(render("%tsc", s) == "SDVN");
  s.method.clear();
  s.uri.clear();
  s.version.clear();
  CHECK(render("%HM %HU %HV %r", s) == "- - - <BADREQ>");
  // TCP sessions print the HTTP fields as not reached.
  CHECK(render("%TR %Tr %Ta %ST %tsc", example()) == "-1 -1 -1 -1 ----");
}

TEST_CASE("+Q quotes a value and escapes quotes in it", "[proxyd][log][log_format][http]") {
  auto s = http_example();
  CHECK(render("%{+Q}r", s) == "\"GET /index.html HTTP/1.1\"");
  CHECK(render("%{+Q}HU %{+Q,-Q}HM %{+Q}ft", s) == "\"/index.html\" GET \"www\"");
  CHECK(render("%{+Q}ci", s) == "\"10.0.0.5\"");
  s.uri = "/say?\"hi\"\\";
  CHECK(render("%{+Q}HU", s) == "\"/say?\\\"hi\\\"\\\\\"");
}
