// haproxy.cfg through the reader into proxyd's model: what a tutorial's
// file becomes, the no-ops and refusals at their lines, several defaults,
// several files, and --convert's INI giving the same document back.
#include "proxyd/core/haproxy_cfg/reader.h"

#include <catch2/catch.hpp>

#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/http/cookie_persistence.h"
#include "proxyd/core/log/log_format.h"

using namespace proxyd;
using common::config::Diagnostics;
using namespace std::chrono_literals;

namespace {

std::optional<std::string> no_env(std::string_view) {
  return std::nullopt;
}

common::config::IniDocument read_one(const std::string& text, Diagnostics& d) {
  const haproxy_cfg::SourceFile files[] = {{"h.cfg", text}};
  return haproxy_cfg::read(files, no_env, d);
}

config::ProxyConfig load(const std::string& text, Diagnostics& d) {
  return config::load_proxy_config(read_one(text, d), d);
}

bool has(const Diagnostics& d, const std::string& text) {
  return d.to_string().find(text) != std::string::npos;
}

constexpr const char* kTutorial = R"(global
    log 127.0.0.1 local0 notice
    chroot /var/lib/haproxy
    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners
    stats timeout 30s
    user haproxy
    group haproxy
    daemon
    maxconn 4000
    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 5000
    timeout client  50000
    timeout server  50s

frontend www
    bind :80
    bind 127.0.0.1:8443,127.0.0.1:9443 accept-proxy
    acl is_api path_beg /api/
    http-request set-header X-Forwarded-Proto http
    use_backend api if is_api
    default_backend web

backend web
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    server web1 10.0.0.21:80 check inter 2s rise 2 fall 3 weight 10
    server web2 10.0.0.22:80 check
    server sorry 10.0.0.30:80 backup

backend api
    server api1 10.0.0.41:8080

listen stats
    bind 127.0.0.1:8404
    stats enable
    stats uri /stats
    stats refresh 10s
    stats auth admin:secret
)";

}  // namespace

TEST_CASE("a tutorial's haproxy.cfg becomes proxyd's model, key by key") {
  Diagnostics d;
  const auto c = load(kTutorial, d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK(c.global.user == "haproxy");
  CHECK(c.global.maxconn == 4000u);
  CHECK(c.global.admin_socket == "/run/haproxy/admin.sock");
  REQUIRE(c.global.logs.size() == 1);
  REQUIRE(c.frontends.size() == 1);
  const auto& www = c.frontends[0];
  REQUIRE(www.binds.size() == 3);
  CHECK(www.binds[0].address.to_string() == "0.0.0.0:80");
  CHECK(www.binds[2].address.to_string() == "127.0.0.1:9443");
  CHECK(www.binds[2].accept_proxy);
  CHECK(www.backend == "web");
  CHECK(www.settings.timeout_connect == 5000ms);
  CHECK(www.settings.timeout_client == 50000ms);
  CHECK(www.settings.mode == config::Mode::Http);
  CHECK(www.settings.dontlognull);
  CHECK_FALSE(www.settings.redispatch);  // HAProxy's default, not proxyd's
  const auto* web = c.find_backend("web");
  REQUIRE(web);
  CHECK(web->settings.check == config::CheckKind::Http);
  CHECK(web->settings.http_check.path == "/health");
  CHECK(web->settings.timeout_server == 50s);
  REQUIRE(web->servers.size() == 3);
  CHECK(web->servers[0].weight == 10u);
  CHECK(web->servers[0].inter == 2s);
  CHECK(web->servers[1].checked);
  CHECK_FALSE(web->servers[2].checked);  // no `check`: not checked, as HAProxy
  CHECK(c.find_backend("api")->settings.check == config::CheckKind::None);
  REQUIRE(c.stats);
  CHECK(c.stats->uri == "/stats");
  REQUIRE(c.stats->auth.size() == 1);
  CHECK(c.stats->refresh == 10s);
  CHECK(has(d, "h.cfg:3: warning: 'chroot' is not applied"));
  CHECK(has(d, "h.cfg:8: notice: 'daemon' changes nothing for proxyd"));
  CHECK(has(d, "h.cfg:5: notice: 'stats timeout' changes nothing"));
  CHECK(has(d, "h.cfg:40: notice: listen 'stats' serves the stats page"));
}

TEST_CASE("the Patroni pattern: an HTTP check on another port of a mode tcp listen") {
  Diagnostics d;
  const auto c = load(
      "listen postgres\n  bind *:5000\n  mode tcp\n  option httpchk\n  http-check expect status 200\n"
      "  default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions\n"
      "  server pg1 10.0.0.1:5432 maxconn 100 check port 8008\n"
      "  server pg2 10.0.0.2:5432 maxconn 100 check port 8008\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  const auto& b = c.backends.at(0);
  CHECK(b.settings.check == config::CheckKind::Http);
  CHECK(b.settings.http_check.method == "OPTIONS");  // HAProxy's default method
  REQUIRE(b.servers.size() == 2);
  CHECK(b.servers[0].check_port == 8008);
  CHECK(b.servers[0].on_marked_down_shutdown);
  CHECK(b.servers[1].inter == 3s);
  CHECK(b.servers[1].maxconn == 100u);
}

TEST_CASE("what proxyd lacks is refused at its line with the alternative, the rest is still read") {
  Diagnostics d;
  load(
      "global\n  lua-load /etc/haproxy/x.lua\n  nbproc 4\n"
      "peers mypeers\n  peer a 10.0.0.1:1024\n"
      "backend b\n  stick-table type ip size 1m\n  option splice-auto\n  balance url_param userid\n"
      "  server s 10.0.0.1:80 check track b2/s\n  frobnicate 3\n",
      d);
  CHECK(has(d, "h.cfg:2: error: 'lua-load' is not supported by proxyd: Lua is not embedded"));
  CHECK(has(d, "h.cfg:3: warning: 'nbproc 4': proxyd is one process; it runs 4 threads instead"));
  CHECK(has(d, "h.cfg:4: error: 'peers' is not supported by proxyd"));
  CHECK_FALSE(has(d, "h.cfg:5:"));  // the skipped section's lines say nothing more
  CHECK(has(d, "h.cfg:7: error: 'stick-table' is not supported by proxyd"));
  CHECK(has(d, "h.cfg:8: notice: 'option splice-auto' changes nothing for proxyd"));
  CHECK(has(d, "h.cfg:9: error: 'balance url_param' is not supported by proxyd"));
  CHECK(has(d, "h.cfg:10: error: 'server … track' is not supported by proxyd"));
  CHECK(has(d, "h.cfg:11: error: unknown or unsupported proxy directive 'frobnicate'"));
}

TEST_CASE("several defaults sections: each proxy takes the last one before it, or the one named by from") {
  Diagnostics d;
  const auto c = load(
      "defaults tcpish\n  mode tcp\n  timeout client 1s\n"
      "listen a\n  bind 127.0.0.1:1001\n  server s 10.0.0.1:80\n"
      "defaults\n  mode http\n  timeout client 2s\n  option redispatch\n"
      "listen b\n  bind 127.0.0.1:1002\n  server s 10.0.0.1:80\n"
      "listen c from tcpish\n  bind 127.0.0.1:1003\n  timeout client 3s\n  server s 10.0.0.1:80\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  REQUIRE(c.frontends.size() == 3);
  CHECK(c.frontends[0].settings.mode == config::Mode::Tcp);
  CHECK(c.frontends[0].settings.timeout_client == 1s);
  CHECK(c.frontends[1].settings.mode == config::Mode::Http);
  CHECK(c.frontends[1].settings.timeout_client == 2s);
  CHECK(c.find_backend("b")->settings.redispatch);
  CHECK_FALSE(c.find_backend("a")->settings.redispatch);
  CHECK(c.frontends[2].settings.mode == config::Mode::Tcp);
  CHECK(c.frontends[2].settings.timeout_client == 3s);
}

TEST_CASE("several files are one configuration, errors name each file's own line") {
  const haproxy_cfg::SourceFile files[] = {{"a.cfg", "global\n  maxconn 10\n"},
                                           {"b.cfg", "frontend f\n  bind *:80\n  default_backend nope\n"}};
  Diagnostics d;
  const auto doc = haproxy_cfg::read(files, no_env, d);
  config::load_proxy_config(doc, d);
  CHECK(has(d, "b.cfg:1: error: frontend 'f' uses unknown backend 'nope'"));
}

TEST_CASE("the INI that --convert prints reads back as the same document") {
  Diagnostics d;
  const auto doc = read_one(kTutorial, d);
  REQUIRE(!d.has_errors());
  const auto ini = haproxy_cfg::to_ini(doc);
  CHECK(ini.find("; h.cfg:29\n[backend web]\n") != std::string::npos);
  Diagnostics again;
  const auto back = common::config::parse_ini(ini, "converted.ini", again);
  REQUIRE(!again.has_errors());
  REQUIRE(back.sections.size() == doc.sections.size());
  for (std::size_t i = 0; i < doc.sections.size(); ++i) {
    CHECK(back.sections[i].title() == doc.sections[i].title());
    REQUIRE(back.sections[i].entries.size() == doc.sections[i].entries.size());
    for (std::size_t k = 0; k < doc.sections[i].entries.size(); ++k) {
      CHECK(back.sections[i].entries[k].key == doc.sections[i].entries[k].key);
      CHECK(back.sections[i].entries[k].value == doc.sections[i].entries[k].value);
    }
  }
}

TEST_CASE("haproxy.cfg is told from proxyd's INI by its content") {
  CHECK(haproxy_cfg::looks_like_haproxy("# comment\n\nglobal\n  daemon\n"));
  CHECK(haproxy_cfg::looks_like_haproxy("frontend www\n"));
  CHECK_FALSE(haproxy_cfg::looks_like_haproxy("; proxyd\n[global]\n"));
  CHECK_FALSE(haproxy_cfg::looks_like_haproxy(""));
}

TEST_CASE("HAProxy 1.x spellings tutorials still carry are read, each with a notice") {
  Diagnostics d;
  const auto c = load(
      "listen web 127.0.0.1:8080\n  mode http\n  clitimeout 30000\n  srvtimeout 30000\n  contimeout 4000\n"
      "  redispatch\n  option httpclose\n  reqadd X-Forwarded-Proto:\\ https\n  rspidel ^Server:.*\n"
      "  reqidel ^X-Debug:\n  server a 10.0.0.1:80\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  const auto& f = c.frontends.at(0);
  CHECK(f.binds.at(0).address.to_string() == "127.0.0.1:8080");
  CHECK(f.settings.timeout_client == 30s);
  CHECK(f.settings.timeout_connect == 4s);
  CHECK(f.settings.http_close);
  CHECK(c.backends.at(0).settings.redispatch);
  CHECK(f.http_request.size() == 2);
  CHECK(f.http_response.size() == 1);
  CHECK(has(d, "h.cfg:1: notice: 'listen NAME ADDRESS' is HAProxy 1.x's"));
  CHECK(has(d, "h.cfg:3: notice: 'clitimeout' is HAProxy 1.x's spelling of 'timeout_client'"));
  CHECK(has(d, "h.cfg:9: notice: 'rspidel' is HAProxy 1.x's; read as http_response = del-header Server"));
}

TEST_CASE("a frontend without a default backend is accepted when rules route or answer (HAProxy's 503)") {
  Diagnostics d;
  const auto c = load(
      "frontend f\n  mode http\n  bind *:80\n  http-request redirect scheme https\n"
      "frontend g\n  mode http\n  bind *:81\n  use_backend b if { path_beg /b }\n"
      "frontend h\n  mode http\n  bind *:82\n"
      "backend b\n  mode http\n  server s 10.0.0.1:80\n",
      d);
  CHECK_FALSE(has(d, "frontend 'f'"));
  CHECK_FALSE(has(d, "frontend 'g'"));
  CHECK(has(d, "h.cfg:9: error: frontend 'h' has no 'backend'"));
}

TEST_CASE("what operators' files carry: portless servers, defaults' default_backend, global server ciphers …") {
  Diagnostics d;
  const auto c = load(
      "global\n  log 127.0.0.1 local0\n  ssl-default-server-ciphers ECDHE+AESGCM\n"
      "defaults\n  mode http\n  log 127.0.0.1 local0\n  default_backend web\n  option forwardfor if-none\n"
      "frontend www\n  bind *:80\n  use_backend api\n"
      "backend web\n  server a 10.0.0.1 maxconn 10\n  server b app.internal\n"
      "backend api\n  option tcp-check\n  server t 10.0.0.2:443 ssl verify none check\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK(has(d, "h.cfg:6: notice: 'log (in a proxy)' changes nothing for proxyd"));
  const auto& f = c.frontends.at(0);
  CHECK(f.backend == "web");
  CHECK(f.settings.forwardfor_if_none);
  REQUIRE(f.use_backends.size() == 1);
  CHECK_FALSE(f.use_backends[0].condition);
  const auto* web = c.find_backend("web");
  CHECK(web->servers.at(0).address.port == 0);  // the client's destination port, as HAProxy
  CHECK(web->servers.at(1).host == "app.internal");
  const auto* api = c.find_backend("api");
  CHECK(api->settings.check == config::CheckKind::Tcp);  // option tcp-check without steps: a connect
  REQUIRE(api->servers.at(0).tls);
  CHECK(api->servers.at(0).tls->ciphers == "ECDHE+AESGCM");
}

TEST_CASE("review cases: server-template, http-check send, default-server merging, no-check, stats refresh") {
  Diagnostics d;
  const auto c = load(
      "global\n  crt-base /etc/ssl/site\n  ssl-default-bind-options no-tls-tickets\n"
      "defaults\n  mode http\n  option httpchk GET /health\n  default-server inter 3s\n"
      "frontend www\n  bind *:443 ssl crt site.pem\n  default_backend app\n"
      "backend app\n  http-check send hdr Host app.example\n  default-server fall 5\n  default-server rise 4\n"
      "  server-template web 3 app.internal:8080 check resolvers dns init-addr none\n"
      "  server quiet 10.0.0.9:80 no-check\n"
      "backend off\n  disabled\n  server s 10.0.0.1:80\n"
      "resolvers dns\n  nameserver ns 127.0.0.1:53\n"
      "listen stats\n  bind 127.0.0.1:8404\n  stats enable\n  stats refresh 10\n"
      "backend tcpcheck\n  mode tcp\n  option tcp-check\n  tcp-check send PING\\r\\n\n  tcp-check expect string +PONG\n"
      "  server r 10.0.0.5:6379 check\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  const auto& www = c.frontends.at(0);
  REQUIRE(www.binds.at(0).tls);
  CHECK(www.binds[0].tls->crt.at(0) == "/etc/ssl/site/site.pem");
  CHECK_FALSE(www.binds[0].tls->tickets);
  const auto* app = c.find_backend("app");
  CHECK(app->settings.http_check.method == "GET");
  CHECK(app->settings.http_check.path == "/health");
  CHECK(app->settings.http_check.host == "app.example");
  REQUIRE(app->servers.size() == 4);  // three template slots and quiet
  CHECK(app->servers[0].inter == 3s);
  CHECK(app->servers[0].fall == 5u);
  CHECK(app->servers[0].rise == 4u);
  CHECK(app->servers[0].checked);
  CHECK_FALSE(app->servers[3].checked);
  CHECK(c.find_backend("off")->servers.at(0).disabled);
  CHECK(c.stats->refresh == 10s);
  const auto& steps = c.find_backend("tcpcheck")->settings.tcp_checks;
  REQUIRE(steps.size() == 2);
}

TEST_CASE("HAProxy's lexical errors: a bad hex escape, an unclosed variable, a bare from") {
  Diagnostics d;
  load("global\n  log-tag \"a\\xZZ\"\n  pidfile \"${X\"\nfrontend f from\n  bind *:80\n", d);
  CHECK(has(d, "h.cfg:2: error: \\x needs two hexadecimal digits"));
  CHECK(has(d, "h.cfg:3: error: '${' without its closing '}'"));
  CHECK(has(d, "h.cfg:4: error: 'from' needs the name of a defaults section"));
}

TEST_CASE("defaults with rules used by frontends and backends both is refused, as HAProxy") {
  Diagnostics d;
  load(
      "defaults shared\n  mode http\n  http-request set-header X-A 1\n"
      "frontend f from shared\n  bind *:80\n  default_backend b\nbackend b from shared\n  server s 10.0.0.1:80\n",
      d);
  CHECK(has(d, "h.cfg:1: error: these defaults have rules"));
}

TEST_CASE("the INI of --convert keeps control bytes of check payloads as escapes") {
  Diagnostics d;
  const auto doc = read_one(
      "backend r\n  option tcp-check\n  tcp-check send \"PING\\r\\n\"\n"
      "  server a 10.0.0.1:6379 check agent-check agent-port 9 agent-send \"ready now\\n\"\n",
      d);
  const auto ini = haproxy_cfg::to_ini(doc);
  INFO(ini);
  CHECK(ini.find("tcp_check = send PING\\r\\n\n") != std::string::npos);
  CHECK(ini.find("agent_send=ready\\x20now\\n") != std::string::npos);
  Diagnostics again;
  config::load_proxy_config(common::config::parse_ini(ini, "c.ini", again), again);
  INFO(again.to_string());
  CHECK_FALSE(again.has_errors());
}

TEST_CASE("what HAProxy 2.x dropped or tolerates: nbproc, reqrep, '15min', $VAR in addresses, a realm's backslash") {
  Diagnostics d;
  const auto c = load(
      "global\n  nbproc 4\n"
      "listen web\n  bind \"127.0.0.1:${PORT_UNQUOTED_TEST-8080}\"\n  mode http\n  timeout client 15min\n"
      "  reqrep ^([^\\ :]*)\\ /app/(.*) \\1\\ /\\2\n  rspirep ^Server:.* Server:\\ x\n"
      "  server a 10.0.0.1:80\nlisten stats\n  bind 127.0.0.1:8404\n  stats enable\n  stats realm Corp\\Haproxy\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK(c.global.threads == 4);
  CHECK(has(d, "h.cfg:2: warning: 'nbproc 4': proxyd is one process; it runs 4 threads instead"));
  const auto& f = c.frontends.at(0);
  CHECK(f.settings.timeout_client == 15min);
  CHECK(has(d, "h.cfg:6: warning: '15min': 'min' is not one of HAProxy's units; read as 15m"));
  CHECK(f.http_request.size() == 1);
  CHECK(f.http_response.size() == 1);
  CHECK(has(d, "h.cfg:7: notice: 'reqrep' is HAProxy 1.x's (2.1 refuses it); read as http_request = reqrep"));
  REQUIRE(c.stats);
  CHECK(c.stats->realm == "Corp\\Haproxy");

  // Variables in addresses are expanded quoted or not, as HAProxy's address parser does.
  const auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "FRONTEND_PORT") return std::string("8081");
    return std::nullopt;
  };
  const proxyd::haproxy_cfg::SourceFile files[] = {
      {"e.cfg", "frontend f\n  bind *:$FRONTEND_PORT\n  default_backend b\nbackend b\n  server s ${NOPE}:80\n"}};
  Diagnostics d2;
  const auto doc = proxyd::haproxy_cfg::read(files, env, d2);
  CHECK(d2.to_string() == "e.cfg:5: error: '${NOPE}:80': $NOPE is not set (HAProxy expands variables in addresses)\n");
  std::string bind;
  for (const auto& section : doc.sections) {
    for (const auto& e : section.entries) bind = e.key == "bind" ? e.value : bind;
  }
  CHECK(bind == "*:8081");
}

TEST_CASE("log lines of a defaults section move to [global] when global has none") {
  Diagnostics d;
  const auto c = load(
      "global\n  maxconn 100\ndefaults\n  log global\n  log 127.0.0.1 local0\n  log 127.0.0.1 local7 debug\n"
      "  mode http\nlisten web\n  bind 127.0.0.1:8080\n  server a 10.0.0.1:80\n",
      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK(c.global.logs.size() == 2);
  CHECK(has(d, "h.cfg:5: notice: log in defaults (global has none): moved to [global]"));
  Diagnostics d2;
  load(
      "defaults a\n  log 127.0.0.1 local0\ndefaults b\n  log 127.0.0.1 local1\nlisten web from a\n"
      "  bind 127.0.0.1:8080\n  server s 10.0.0.1:80\n",
      d2);
  CHECK(has(d2, "h.cfg:4: error: 'log' in several defaults sections"));
}

TEST_CASE("stats in proxies that forward, and in defaults, is the page inside each proxy (HAProxy's meaning)") {
  Diagnostics d;
  const auto c = load(R"(defaults
    mode http
    stats enable
    stats uri /st
    monitor-uri /alive
frontend fe
    bind :80
    http-request use-service prometheus-exporter if { path /metrics }
    default_backend be
backend be
    stats uri /bst
    stats auth a:b
    stats refresh 15
    stats show-legends
    server s1 10.0.0.1:80
backend plain
    stats enable
)",
                      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK_FALSE(c.stats);  // no [stats] listener: each proxy serves its page
  REQUIRE(c.frontends.size() == 1);
  const auto& fe = c.frontends[0];
  REQUIRE(fe.settings.stats);
  CHECK(fe.settings.stats->uri == "/st");
  CHECK(fe.settings.stats->auth.empty());
  // monitor-uri is the frontend's, answered unlogged before its rules.
  REQUIRE(fe.http_request.size() == 3);
  CHECK(fe.http_request[0].kind == http::HttpAction::Kind::SetLogLevel);
  CHECK(fe.http_request[1].kind == http::HttpAction::Kind::Return);
  CHECK(fe.http_request[2].kind == http::HttpAction::Kind::UseService);
  CHECK(fe.http_request[2].name == "prometheus-exporter");
  const auto* be = c.find_backend("be");
  REQUIRE(be);
  REQUIRE(be->settings.stats);
  CHECK(be->settings.stats->uri == "/bst");
  REQUIRE(be->settings.stats->auth.size() == 1);
  CHECK(be->settings.stats->auth[0].user == "a");
  CHECK(be->settings.stats->refresh == 15s);  // HAProxy's bare number here is seconds
  CHECK(be->settings.stats->show_legends);
  CHECK(be->http_request.empty());  // no monitor-uri in a backend
  const auto* plain = c.find_backend("plain");
  REQUIRE(plain);
  REQUIRE(plain->settings.stats);
  CHECK(plain->settings.stats->uri == "/st");  // inherited from defaults
}

TEST_CASE("stats admin in a proxy that forwards is refused, and stats enable alone uses HAProxy's URI") {
  Diagnostics d;
  const auto c = load(R"(defaults
    mode http
frontend fe
    bind :80
    stats enable
    stats admin if TRUE
    default_backend be
backend be
    stats enable
    server s1 10.0.0.1:80
)",
                      d);
  CHECK(has(d, "h.cfg:6: error: 'stats admin' in a proxy that forwards traffic"));
  Diagnostics d2;
  const auto c2 = load("defaults\n mode http\nbackend be\n stats enable\n server s1 10.0.0.1:80\n", d2);
  INFO(d2.to_string());
  REQUIRE(!d2.has_errors());
  REQUIRE(c2.find_backend("be")->settings.stats);
  CHECK(c2.find_backend("be")->settings.stats->uri == "/haproxy?stats");
}

TEST_CASE("a mode tcp frontend whose backends are all mode http becomes mode http, logged as tcplog") {
  Diagnostics d;
  const auto c = load(R"(defaults
    option httplog
frontend fe
    bind :80
    acl is_static path_beg /static
    use_backend storage if is_static
    default_backend app
backend app
    mode http
    server a 10.0.0.1:80
backend storage
    mode http
    server s 10.0.0.2:80
frontend raw
    bind :81
    default_backend db
backend db
    server d 10.0.0.3:5432
)",
                      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK(has(d, "h.cfg:3: notice: frontend 'fe' is mode tcp and all its backends are mode http"));
  REQUIRE(c.frontends.size() == 2);
  CHECK(c.frontends[0].settings.mode == config::Mode::Http);
  CHECK(c.frontends[0].settings.log_format == proxyd::log::kTcpLogFormat);
  CHECK(c.frontends[1].settings.mode == config::Mode::Tcp);  // a tcp backend: stays tcp
}

TEST_CASE("dynamic cookies and log fd@2 are read as HAProxy means them") {
  Diagnostics d;
  const auto c = load(R"(global
    log fd@2 local2
defaults
    mode http
backend app
    dynamic-cookie-key MYKEY
    cookie JSESSIONID prefix dynamic nocache
    server a 10.0.0.1:8080
)",
                      d);
  INFO(d.to_string());
  REQUIRE(!d.has_errors());
  CHECK(c.global.logs[0].target == common::log::LogSettings::Target::Stderr);
  const auto* app = c.find_backend("app");
  REQUIRE(app);
  REQUIRE(app->settings.cookie);
  CHECK(app->settings.cookie->dynamic);
  CHECK(app->settings.dynamic_cookie_key == "MYKEY");
  // HAProxy's value for 10.0.0.1:8080 under MYKEY (XXH64 of key, address, port).
  CHECK(http::dynamic_cookie("MYKEY", *common::net::Endpoint::parse("10.0.0.1:8080")) == "c81ac2d2a4a662ad");
}
