#include "proxyd/core/config/proxy_config.h"

#include <catch2/catch.hpp>

using namespace proxyd::config;
using namespace std::chrono_literals;
using common::config::Diagnostics;

namespace {

ProxyConfig load(const std::string& text, Diagnostics& d) {
  return load_proxy_config(common::config::parse_ini(text, "p.ini", d), d);
}

std::string errors(const Diagnostics& d) {
  return d.to_string();
}

const char* kBase =
    "[defaults]\n"
    "timeout_connect = 2s\n"
    "retries = 5\n"
    "[frontend www]\n"
    "bind = 10.0.0.10:80\n"
    "bind = [2001:db8::10]:80 accept_proxy\n"
    "timeout_client = 30s\n"
    "backend = app\n"
    "[backend app]\n"
    "balance = leastconn\n"
    "check = tcp\n"
    "retries = 1\n"
    "server = web1 10.0.0.21:80 weight=3 maxconn=50\n"
    "server = web2 10.0.0.22:80 send_proxy=v2\n"
    "server = sorry 10.0.0.30:80 backup no_check\n";

}  // namespace

TEST_CASE("frontends and backends inherit [defaults] and override it") {
  Diagnostics d;
  const auto c = load(kBase, d);
  INFO(errors(d));
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(c.frontends.size() == 1);
  const auto& fe = c.frontends[0];
  CHECK(fe.settings.timeout_connect == 2s);  // from [defaults]
  CHECK(fe.settings.timeout_client == 30s);  // own value
  CHECK(fe.settings.timeout_server == 60s);  // built-in default
  CHECK(fe.settings.retries == 5);
  REQUIRE(fe.binds.size() == 2);
  CHECK(fe.binds[1].accept_proxy);
  CHECK(fe.binds[1].address.to_string() == "[2001:db8::10]:80");
  const auto* be = c.find_backend("app");
  REQUIRE(be);
  CHECK(be->settings.retries == 1);
  CHECK(be->settings.balance == Balance::LeastConn);
  CHECK(be->settings.check == CheckKind::Tcp);
  CHECK(be->settings.rise == 2);
  CHECK(be->settings.fall == 3);
  REQUIRE(be->servers.size() == 3);
  CHECK(be->servers[0].weight == 3);
  CHECK(be->servers[0].maxconn == 50);
  CHECK(be->servers[1].send_proxy == ProxyProtocol::V2);
  CHECK(be->servers[2].backup);
  CHECK_FALSE(be->servers[2].checked);
  CHECK(be->servers[2].line == 15);
  CHECK(c.global.maxconn == 20000);
  CHECK(c.global.pidfile == "/run/proxyd.pid");
}

TEST_CASE("a [listen] section is a frontend and a backend of the same name") {
  Diagnostics d;
  const auto c = load("[listen db]\nbind = *:3306\nserver = a 10.0.0.5:3306\n", d);
  INFO(errors(d));
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(c.frontends.size() == 1);
  CHECK(c.frontends[0].backend == "db");
  REQUIRE(c.find_backend("db"));
  CHECK(c.find_backend("db")->servers.size() == 1);
}

TEST_CASE("cross-section mistakes are all reported") {
  Diagnostics d;
  load(
      "[frontend a]\nbind = 10.0.0.1:80\nbackend = app_pol\n"
      "[frontend b]\nbind = 10.0.0.1:80\n"
      "[backend app_pool]\nserver = x 10.0.0.2:80\nserver = x 10.0.0.3:80\n",
      d);
  const auto text = errors(d);
  INFO(text);
  CHECK(text.find("p.ini:1: error: frontend 'a' uses unknown backend 'app_pol' (did you mean 'app_pool'?)") !=
        std::string::npos);
  CHECK(text.find("p.ini:4: error: frontend 'b' has no 'backend'") != std::string::npos);
  CHECK(text.find("p.ini:5: error: address 10.0.0.1:80 is already bound by frontend 'a'") != std::string::npos);
  CHECK(text.find("p.ini:8: error: server 'x' defined twice in backend 'app_pool'") != std::string::npos);
  CHECK(d.error_count() == 4);
}

TEST_CASE("server and bind lines report what they expected") {
  CHECK(parse_server("web1").error().message.find("expected NAME ADDRESS:PORT") == 0);
  CHECK(parse_server("web1 10.0.0.1:80 weight=999").error().message.find("weight") != std::string::npos);
  CHECK(parse_server("web1 10.0.0.1:80 bogus").error().message.find("unknown server option 'bogus'") == 0);
  CHECK(parse_server("web1 10.0.0.1:80 send_proxy=v3").error().message.find("unknown server option") == 0);
  CHECK(parse_bind("10.0.0.1:80 transparent").error().message.find("unknown bind option 'transparent'") == 0);
  CHECK_FALSE(parse_bind(""));
}

TEST_CASE("global keys: threads auto, log targets, facilities") {
  Diagnostics d;
  const auto c = load(
      "[global]\nthreads = auto\nlog = udp://127.0.0.1:514\nlog_facility = local3\n"
      "user = proxyd\n[listen x]\nbind = *:1\nserver = s 1.2.3.4:5\n",
      d);
  INFO(errors(d));
  REQUIRE_FALSE(d.has_errors());
  CHECK(c.global.threads == 0);
  CHECK(c.global.log.target == common::log::LogSettings::Target::Udp);
  CHECK(c.global.log.udp.to_string() == "127.0.0.1:514");
  CHECK(c.global.log.facility == 19);
  CHECK(c.global.user == "proxyd");
  Diagnostics bad;
  load("[global]\nthreads = lots\nlog = file\nlog_facility = local9\n", bad);
  CHECK(bad.error_count() == 3);
}

TEST_CASE("log_format is compiled at load time: tcplog, custom, and unknown variables") {
  Diagnostics ok;
  load("[listen x]\nbind = *:1\nserver = s 1.2.3.4:5\nlog_format = %ci %ft %Tt\n", ok);
  CHECK_FALSE(ok.has_errors());
  Diagnostics bad;
  load("[listen x]\nbind = *:1\nserver = s 1.2.3.4:5\nlog_format = %ci %nope\n", bad);
  CHECK(errors(bad).find("frontend 'x': log_format: unknown log_format variable '%nope'") != std::string::npos);
}
