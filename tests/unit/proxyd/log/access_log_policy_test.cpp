#include "proxyd/core/log/access_log_policy.h"

#include <catch2/catch.hpp>

#include "common/core/log/log_settings.h"
#include "proxyd/core/log/log_format.h"

using common::log::Level;
using proxyd::log::AccessLogPolicy;
using proxyd::log::TcpSessionRecord;

namespace {

TcpSessionRecord record(int status, proxyd::log::TerminationState ts = {}, std::uint64_t bytes = 100) {
  TcpSessionRecord r;
  r.status = status;
  r.termination = ts;
  r.bytes_from_client = bytes;
  return r;
}

}  // namespace

TEST_CASE("access log: dontlognull, dontlog_normal, log_separate_errors and set-log-level", "[log]") {
  using proxyd::log::access_log_level;
  const proxyd::log::TerminationState server_abort{proxyd::log::TerminationCause::ServerAbort,
                                                   proxyd::log::SessionPhase::Data};
  CHECK(access_log_level({}, record(200)) == Level::Info);
  CHECK(access_log_level({true, false, false}, record(200, {}, 0)) == std::nullopt);
  CHECK(access_log_level({false, true, false}, record(200)) == std::nullopt);
  CHECK(access_log_level({false, true, false}, record(503)) == Level::Info);
  CHECK(access_log_level({false, true, false}, record(200, server_abort)) == Level::Info);
  CHECK(access_log_level({false, false, true}, record(502)) == Level::Error);
  CHECK(access_log_level({false, false, true}, record(404)) == Level::Info);
  CHECK(access_log_level({}, record(200), "silent") == std::nullopt);
  CHECK(access_log_level({}, record(200), "debug") == Level::Debug);
  CHECK(access_log_level({false, true, false}, record(200), "err") == std::nullopt);  // still normal
}

TEST_CASE("log lines: several targets with HAProxy's words", "[log]") {
  auto t = common::log::parse_log_line("udp://10.0.0.5:514 local1 notice");
  REQUIRE(t);
  CHECK(t->target == common::log::LogSettings::Target::Udp);
  CHECK(t->facility == 17);
  CHECK(t->facility_given);
  CHECK(t->max_level == 5);
  t = common::log::parse_log_line("stderr format raw");
  REQUIRE(t);
  CHECK(t->raw);
  CHECK(t->max_level == -1);
  t = common::log::parse_log_line("127.0.0.1:514 local0");
  REQUIRE(t);
  CHECK(t->udp.port == 514);
  CHECK(common::log::parse_log_line("/dev/log local0 info")->target == common::log::LogSettings::Target::Syslog);
  CHECK_FALSE(common::log::parse_log_line("syslog local9"));
  CHECK_FALSE(common::log::parse_log_line("syslog local0 loud"));
  CHECK_FALSE(common::log::parse_log_line("syslog local0 info debug"));
  CHECK_FALSE(common::log::parse_log_line("stderr format json"));
}

TEST_CASE("log format: captures, %[...] samples and httplog clf", "[log]") {
  auto format = proxyd::log::LogFormat::compile(proxyd::log::httplog_with_captures(true, true));
  REQUIRE(format);
  auto r = record(200);
  r.request_captures = {"www.example.org", "a|b{c}\x01"};
  r.response_captures = {""};
  const auto line = format->render(r);
  CHECK(line.find(" {www.example.org|a#7Cb#7Bc#7D#01} {} \"") != std::string::npos);
  auto custom = proxyd::log::LogFormat::compile("%ci host=%[req.hdr(host),lower] st=%ST");
  REQUIRE(custom);
  REQUIRE(custom->expressions().size() == 1);
  r.samples = {"www.example.org"};
  CHECK(custom->render(r).ends_with(" host=www.example.org st=200"));
  CHECK_FALSE(proxyd::log::LogFormat::compile("%[nope]"));
  CHECK_FALSE(proxyd::log::LogFormat::compile("%[src"));
  auto clf = proxyd::log::LogFormat::compile("httplog clf");
  REQUIRE(clf);
  r.method = "GET";
  r.uri = "/";
  r.version = "HTTP/1.1";
  CHECK(clf->render(r).find(" - - [") != std::string::npos);
}
