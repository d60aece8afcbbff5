#include <catch2/catch.hpp>

#include "proxyd/core/config/proxy_config.h"

using namespace proxyd::config;
using namespace std::chrono_literals;
using common::config::Diagnostics;

namespace {

ProxyConfig load(const std::string& text, Diagnostics& d) {
  return load_proxy_config(common::config::parse_ini(text, "p.ini", d), d);
}

std::string all(const Diagnostics& d) {
  return d.to_string();
}

const std::string kProxy = "[listen www]\nbind = 10.0.0.10:80\nserver = a 10.0.0.21:80\n";

}  // namespace

TEST_CASE("[stats] keys and their defaults", "[proxyd][stats]") {
  Diagnostics d;
  const auto c = load(kProxy + "[stats]\nbind = 127.0.0.1:8404\n", d);
  INFO(all(d));
  REQUIRE_FALSE(d.has_errors());
  CHECK(d.all().empty());  // loopback without auth: no warning
  REQUIRE(c.stats);
  CHECK(c.stats->binds.size() == 1);
  CHECK(c.stats->binds[0].line == 5);
  CHECK(c.stats->uri == "/stats");
  CHECK(c.stats->prometheus_uri == "/metrics");
  CHECK(c.stats->health_uri == "/healthz");
  CHECK(c.stats->realm == "proxyd statistics");
  CHECK_FALSE(c.stats->refresh);
  CHECK_FALSE(c.stats->admin);
  CHECK(c.stats->auth.empty());
}

TEST_CASE("[stats] as in the issue's example", "[proxyd][stats]") {
  Diagnostics d;
  const auto c = load(kProxy +
                          "[stats]\nbind = 192.168.1.80:8404\nuri = /stats\nauth = admin:supersecret\n"
                          "auth = ops:pa:ss\nrealm = proxyd statistics\nrefresh = 10s\nadmin = true\n"
                          "prometheus_uri = /metrics\nhealth_uri = /healthz\n",
                      d);
  INFO(all(d));
  REQUIRE_FALSE(d.has_errors());
  CHECK(d.all().empty());
  REQUIRE(c.stats->auth.size() == 2);
  CHECK(c.stats->auth[1].user == "ops");
  CHECK(c.stats->auth[1].password == "pa:ss");
  CHECK(c.stats->refresh == 10s);
  CHECK(c.stats->admin);
}

TEST_CASE("no [stats] section, no stats listener", "[proxyd][stats]") {
  Diagnostics d;
  CHECK_FALSE(load(kProxy, d).stats);
}

TEST_CASE("[stats] without auth beyond loopback is a warning, not an error", "[proxyd][stats]") {
  Diagnostics d;
  load(kProxy + "[stats]\nbind = *:8404\nadmin = true\n", d);
  CHECK_FALSE(d.has_errors());
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].severity == common::config::Severity::Warning);
  CHECK(d.all()[0].where.line == 5);
  CHECK(d.all()[0].message.find("beyond loopback without 'auth'") != std::string::npos);
  CHECK(d.all()[0].message.find("change server states") != std::string::npos);
  Diagnostics v6;
  load(kProxy + "[stats]\nbind = [::1]:8404\n", v6);
  CHECK(v6.all().empty());
}

TEST_CASE("[stats] errors: bind required, paths, clashes, auth syntax, unique section", "[proxyd][stats]") {
  auto errors = [](const std::string& stats) {
    Diagnostics d;
    load(kProxy + stats, d);
    return all(d);
  };
  CHECK(errors("[stats]\nuri = /s\n").find("needs key 'bind'") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\nuri = stats\n").find("starting with '/'") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\nuri = /a;b\n").find("without ';'") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\nhealth_uri = /stats\n").find("must differ") != std::string::npos);
  CHECK(errors("[stats]\nbind = 10.0.0.10:80\n").find("already bound by frontend 'www'") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\nbind = 127.0.0.1:1\n").find("bound twice") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\nauth = nopassword\n").find("USER:PASSWORD") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\nrealm = say \"hi\"\n").find("quotes") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\n[stats]\nbind = 127.0.0.1:2\n").find("error") != std::string::npos);
  CHECK(errors("[stats]\nbind = 127.0.0.1:1\nrefrsh = 1s\n").find("did you mean 'refresh'") != std::string::npos);
}

TEST_CASE("admin socket keys in [global]", "[proxyd][stats]") {
  Diagnostics d;
  auto c = load(
      "[global]\nadmin_socket = /run/proxyd.sock\nadmin_socket_mode = 0660\nadmin_socket_user = root\n"
      "admin_socket_group = adm\n" +
          kProxy,
      d);
  INFO(all(d));
  REQUIRE_FALSE(d.has_errors());
  CHECK(c.global.admin_socket == "/run/proxyd.sock");
  CHECK(c.global.admin_socket_mode == 0660);
  CHECK(c.global.admin_socket_user == "root");
  CHECK(c.global.admin_socket_group == "adm");
  Diagnostics defaults;
  c = load(kProxy, defaults);
  CHECK_FALSE(c.global.admin_socket);
  CHECK(c.global.admin_socket_mode == 0600);
  CHECK(parse_file_mode("600") == 0600u);
  CHECK_FALSE(parse_file_mode("0800"));
  CHECK_FALSE(parse_file_mode("01777"));
  CHECK_FALSE(parse_file_mode("60"));
  Diagnostics bad;
  load("[global]\nadmin_socket = relative.sock\nadmin_socket_mode = rw\n" + kProxy, bad);
  CHECK(bad.error_count() == 2);
  Diagnostics long_path;
  load("[global]\nadmin_socket = /" + std::string(120, 'x') + "\n" + kProxy, long_path);
  CHECK(all(long_path).find("at most 107 bytes") != std::string::npos);
}

TEST_CASE("[stats] HAProxy's stats options: admin if COND, hide_version, show_node, show_legends", "[proxyd][stats]") {
  Diagnostics d;
  const auto c = load(kProxy +
                          "[stats]\nbind = 127.0.0.1:8404\nstats_admin = if LOCALHOST\nstats_hide_version = true\n"
                          "stats_show_node = lb1\nstats_show_legends = true\nstats_refresh = 10s\n",
                      d);
  INFO(all(d));
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(c.stats);
  CHECK(c.stats->admin);
  REQUIRE(c.stats->admin_condition);
  proxyd::sample::Context local;
  local.src = *common::net::Endpoint::parse("127.0.0.1:5000");
  proxyd::sample::Context remote;
  remote.src = *common::net::Endpoint::parse("192.0.2.1:5000");
  CHECK(proxyd::sample::evaluate(*c.stats->admin_condition, local));
  CHECK_FALSE(proxyd::sample::evaluate(*c.stats->admin_condition, remote));
  CHECK(c.stats->hide_version);
  CHECK(c.stats->show_node == "lb1");
  CHECK(c.stats->show_legends);
  CHECK(c.stats->refresh == 10s);
  Diagnostics bad;
  load(kProxy + "[stats]\nbind = 127.0.0.1:8404\nadmin = if NOPE\n", bad);
  CHECK(all(bad).find("no ACL named 'NOPE'") != std::string::npos);
}

TEST_CASE("admin_socket: one Unix socket and TCP listeners, each with a level", "[proxyd][stats]") {
  Diagnostics d;
  const auto c = load(
      "[global]\nadmin_socket = /run/proxyd.sock level operator\n"
      "admin_socket = ipv4@127.0.0.1:9999 level user\nadmin_socket = 127.0.0.1:9998\n" +
          kProxy,
      d);
  INFO(all(d));
  REQUIRE_FALSE(d.has_errors());
  CHECK(c.global.admin_socket == "/run/proxyd.sock");
  CHECK(c.global.admin_socket_level == proxyd::stats::AccessLevel::Operator);
  REQUIRE(c.global.admin_tcp.size() == 2);
  CHECK(c.global.admin_tcp[0].address.port == 9999);
  CHECK(c.global.admin_tcp[0].level == proxyd::stats::AccessLevel::User);
  CHECK(c.global.admin_tcp[1].level == proxyd::stats::AccessLevel::Admin);
  Diagnostics bad;
  load("[global]\nadmin_socket = /a.sock\nadmin_socket = /b.sock\nadmin_socket = x level god\n" + kProxy, bad);
  CHECK(all(bad).find("one Unix admin socket only") != std::string::npos);
  CHECK(all(bad).find("expected level user, operator or admin") != std::string::npos);
}
