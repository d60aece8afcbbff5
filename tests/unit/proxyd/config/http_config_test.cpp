#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "proxyd/core/config/proxy_config.h"

using namespace proxyd::config;
using namespace std::chrono_literals;
using common::config::Diagnostics;
using common::config::Severity;
using proxyd::http::CookieSettings;
using proxyd::http::HeaderRule;
using proxyd::http::RedirectRule;

namespace {

ProxyConfig load(const std::string& text, Diagnostics& d) {
  return load_proxy_config(common::config::parse_ini(text, "p.ini", d), d);
}

// An http frontend and backend; <fe> and <be> are appended to their sections.
std::string http_config(const std::string& fe, const std::string& be = "") {
  return "[frontend www]\n"   // line 1
         "mode = http\n"      // 2
         "bind = *:80\n"      // 3
         "backend = app\n" +  // 4
         fe +
         "[backend app]\n"
         "mode = http\n"
         "server = web1 10.0.0.21:80\n" +
         be;
}

bool has(const Diagnostics& d, Severity severity, const std::string& text) {
  for (const auto& item : d.all()) {
    if (item.severity == severity && item.to_string().find(text) != std::string::npos) return true;
  }
  return false;
}

bool has_error(const Diagnostics& d, const std::string& text) {
  return has(d, Severity::Error, text);
}

bool has_warning(const Diagnostics& d, const std::string& text) {
  return has(d, Severity::Warning, text);
}

}  // namespace

TEST_CASE("mode http is accepted with every layer-7 key at its default", "[config]") {
  Diagnostics d;
  const auto c = load(http_config(""), d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  CHECK(d.all().empty());
  const auto& s = c.frontends[0].settings;
  CHECK(s.mode == Mode::Http);
  CHECK(s.hash_type == HashType::Map);
  CHECK(s.check_expect.kind == CheckExpect::Kind::Status);
  CHECK(s.check_expect.status_min == 200);
  CHECK(s.check_expect.status_max == 399);
  CHECK_FALSE(s.forwardfor);
  CHECK(s.timeout_http_request == 10s);
  CHECK_FALSE(s.timeout_http_keep_alive);
  CHECK_FALSE(s.timeout_tunnel);
  CHECK(s.max_header_size == 16384);
  CHECK(s.max_headers == 100);
  CHECK(s.ssl_min_version == "TLSv1.2");
  CHECK(s.ssl_ciphers.empty());
  CHECK_FALSE(s.cookie);
}

TEST_CASE("layer-7 proxy keys land in the model", "[config]") {
  Diagnostics d;
  const auto c = load(http_config("",
                                  "balance = hdr(X-Tenant)\n"
                                  "hash_type = consistent\n"
                                  "check = http GET /health HTTP/1.1 Host=example.org\n"
                                  "check_expect = string ready now\n"
                                  "http_server_close = true\n"
                                  "http_close = yes\n"
                                  "forwardfor = true\n"
                                  "forwardfor_except = 10.0.0.0/8\n"
                                  "http_request_add_header = X-Via proxyd edge\n"
                                  "http_request_set_header = X-Proto https\n"
                                  "http_request_del_header = X-Debug\n"
                                  "http_response_del_header = Server\n"
                                  "http_response_set_header = Strict-Transport-Security max-age=63072000\n"
                                  "cookie = SERVERID insert indirect nocache httponly secure\n"
                                  "errorfile = 503 /etc/proxyd/errors/503.http\n"
                                  "errorfile = 504 /etc/proxyd/errors/504.http\n"
                                  "timeout_http_request = 5s\n"
                                  "timeout_http_keep_alive = 2s\n"
                                  "timeout_tunnel = 1h\n"
                                  "max_header_size = 32k\n"
                                  "max_headers = 200\n"
                                  "ssl_min_version = TLSv1.3\n"
                                  "ssl_ciphers = ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256\n"
                                  "ssl_ciphersuites = TLS_AES_128_GCM_SHA256\n"),
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& s = c.find_backend("app")->settings;
  CHECK(s.balance == Balance::Header);
  CHECK(s.balance_header == "X-Tenant");
  CHECK(s.hash_type == HashType::Consistent);
  CHECK(s.check == CheckKind::Http);
  CHECK(s.http_check.method == "GET");
  CHECK(s.http_check.path == "/health");
  CHECK(s.http_check.version_minor == 1);
  CHECK(s.http_check.host == "example.org");
  CHECK(s.check_expect.kind == CheckExpect::Kind::String);
  CHECK(s.check_expect.text == "ready now");
  CHECK(s.http_server_close);
  CHECK(s.http_close);
  CHECK(s.forwardfor);
  REQUIRE(s.forwardfor_except);
  CHECK(s.forwardfor_except->to_string() == "10.0.0.0/8");
  REQUIRE(s.request_header_rules.size() == 3);
  CHECK(s.request_header_rules[0].action == HeaderRule::Action::Add);
  CHECK(s.request_header_rules[0].name == "X-Via");
  CHECK(s.request_header_rules[0].value == "proxyd edge");
  CHECK(s.request_header_rules[0].line == 16);
  CHECK(s.request_header_rules[1].action == HeaderRule::Action::Set);
  CHECK(s.request_header_rules[2].action == HeaderRule::Action::Del);
  CHECK(s.request_header_rules[2].value.empty());
  REQUIRE(s.response_header_rules.size() == 2);
  CHECK(s.response_header_rules[0].action == HeaderRule::Action::Del);
  CHECK(s.response_header_rules[1].value == "max-age=63072000");
  REQUIRE(s.cookie);
  CHECK(s.cookie->name == "SERVERID");
  CHECK(s.cookie->mode == CookieSettings::Mode::Insert);
  CHECK(s.cookie->indirect);
  CHECK(s.cookie->nocache);
  CHECK(s.cookie->httponly);
  CHECK(s.cookie->secure);
  REQUIRE(s.errorfiles.size() == 2);
  CHECK(s.errorfiles[0].status == 503);
  CHECK(s.errorfiles[0].path == "/etc/proxyd/errors/503.http");
  CHECK(s.errorfiles[0].line == 22);
  CHECK(s.timeout_http_request == 5s);
  CHECK(s.timeout_http_keep_alive == 2s);
  CHECK(s.timeout_tunnel == 1h);
  CHECK(s.max_header_size == 32768);
  CHECK(s.max_headers == 200);
  CHECK(s.ssl_min_version == "TLSv1.3");
  CHECK(s.ssl_ciphers == "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256");
  CHECK(s.ssl_ciphersuites == "TLS_AES_128_GCM_SHA256");
}

TEST_CASE("balance uri, check = http alone and check_expect status", "[config]") {
  Diagnostics d;
  const auto c = load(http_config("", "balance = uri\ncheck = http\ncheck_expect = status 200\n"), d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& s = c.find_backend("app")->settings;
  CHECK(s.balance == Balance::Uri);
  CHECK(s.check == CheckKind::Http);
  CHECK(s.http_check.method == "GET");
  CHECK(s.http_check.path == "/");
  CHECK(s.http_check.version_minor == 0);
  CHECK(s.http_check.host.empty());
  CHECK(s.check_expect.status_min == 200);
  CHECK(s.check_expect.status_max == 200);
}

TEST_CASE("layer-7 keys are inherited from [defaults]", "[config]") {
  Diagnostics d;
  const auto c = load(
      "[defaults]\n"
      "mode = http\n"
      "forwardfor = true\n"
      "timeout_http_request = 3s\n"
      "http_response_del_header = Server\n"
      "errorfile = 503 /etc/proxyd/errors/503.http\n"
      "errorfile = 502 /etc/proxyd/errors/502.http\n"
      "balance = uri\n" +
          http_config("timeout_http_request = 4s\n", "errorfile = 503 /srv/app-503.http\n"),
      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& fe = c.frontends[0].settings;
  CHECK(fe.forwardfor);
  CHECK(fe.timeout_http_request == 4s);
  REQUIRE(fe.response_header_rules.size() == 1);
  CHECK(fe.response_header_rules[0].name == "Server");
  const auto& be = c.find_backend("app")->settings;
  CHECK(be.timeout_http_request == 3s);
  CHECK(be.balance == Balance::Uri);
  // A section's errorfile replaces the inherited one for the same status.
  REQUIRE(be.errorfiles.size() == 2);
  CHECK(be.errorfiles[0].status == 502);
  CHECK(be.errorfiles[1].path == "/srv/app-503.http");
}

TEST_CASE("layer-7 value errors carry their line", "[config]") {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"balance = hdr()", "balance"},
      {"balance = url", "expected one of roundrobin"},
      {"hash_type = ring", "hash_type"},
      {"check = http GET /health HTTP/1.1", "needs Host=NAME"},
      {"check = http GET health", "check path"},
      {"check = http GET / HTTP/2", "unknown check option"},
      {"check = ping",
       "expected none, tcp, http [METHOD PATH [HTTP/1.1 Host=NAME]], tcp-check, redis-check, smtpchk, "
       "pgsql-check user NAME, mysql-check [user NAME [post-41|pre-41]], ldap-check or ssl-hello-chk"},
      {"check_expect = status 600", "within 100-599"},
      {"check_expect = status 399-200", "within 100-599"},
      {"check_expect = regex ok", "expected status"},
      {"forwardfor_except = 10.0.0.1/8", "forwardfor_except"},
      {"http_request_add_header = X-Foo", "VALUE"},
      {"http_request_set_header = Bad:Name v", "header NAME"},
      {"http_request_del_header = X-A X-B", "only a header NAME"},
      {"cookie = SERVERID stick", "insert, prefix or rewrite"},
      {"cookie = SERVERID insert sticky", "unknown cookie option"},
      {"cookie = SERVERID rewrite indirect", "indirect needs insert"},
      {"errorfile = 404 /x.http", "errorfile status"},
      {"errorfile = 503 errors/503.http", "absolute path"},
      {"max_header_size = 512", "1k to 1m"},
      {"max_header_size = 2m", "1k to 1m"},
      {"max_headers = 0", "max_headers"},
      {"ssl_min_version = TLSv1.1", "ssl_min_version"},
      {"timeout_tunnel = forever", "timeout_tunnel"},
  };
  for (const auto& [line, message] : cases) {
    Diagnostics d;
    load(http_config("", line + "\n"), d);
    INFO(line << "\n" << d.to_string());
    CHECK(has_error(d, "p.ini:8: error:"));
    CHECK(has_error(d, message));
  }
}

TEST_CASE("unknown layer-7 keys get a did-you-mean", "[config]") {
  Diagnostics d;
  load(http_config("forwardfro = true\n"), d);
  CHECK(has_error(d, "p.ini:5: error: unknown key 'forwardfro' in [frontend www] (did you mean 'forwardfor'?)"));
}

TEST_CASE("a frontend and its backends must agree on the mode", "[config]") {
  SECTION("default backend") {
    Diagnostics d;
    load("[frontend www]\nmode = http\nbind = *:80\nbackend = app\n[backend app]\nserver = a 10.0.0.1:80\n", d);
    CHECK(has_error(d, "p.ini:1: error: frontend 'www' (mode http) uses backend 'app' (mode tcp): modes must match"));
  }
  SECTION("use_backend target") {
    Diagnostics d;
    load(http_config("use_backend = legacy if host old.example.org\n",
                     "[backend legacy]\nmode = tcp\nserver = a 10.0.0.1:80\n"),
         d);
    CHECK(has_error(d, "p.ini:5: error: frontend 'www' (mode http) uses backend 'legacy' (mode tcp)"));
  }
  SECTION("tcp frontend, http backend") {
    Diagnostics d;
    load("[frontend www]\nbind = *:80\nbackend = app\n[backend app]\nmode = http\nserver = a 10.0.0.1:80\n", d);
    CHECK(has_error(d, "frontend 'www' (mode tcp) uses backend 'app' (mode http)"));
  }
}

TEST_CASE("use_backend rules: conditions, order and lines", "[config]") {
  Diagnostics d;
  const auto c = load(http_config("use_backend = api if path_beg /api\n"
                                  "use_backend = api unless hdr X-Canary on\n"
                                  "use_backend = app if host www.example.org\n"
                                  "use_backend = app if path /exact\n"
                                  "use_backend = api if sni api.example.org\n",
                                  "[backend api]\nmode = http\nserver = a 10.0.0.1:80\n"),
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& rules = c.frontends[0].use_backends;
  REQUIRE(rules.size() == 5);
  CHECK(rules[0].backend == "api");
  CHECK(rules[0].condition->text == "if path_beg /api");
  CHECK_FALSE(rules[0].condition->unless);
  CHECK(rules[0].line == 5);
  CHECK(rules[1].condition->unless);
  CHECK(rules[1].condition->text == "unless hdr X-Canary on");
  // proxyd's first syntax becomes an anonymous ACL, resolved.
  for (const auto& r : rules) {
    REQUIRE(r.condition->any_of.size() == 1);
    REQUIRE(r.condition->any_of[0].size() == 1);
    CHECK(r.condition->any_of[0][0].acl != nullptr);
  }
}

TEST_CASE("acl lines and HAProxy conditions in use_backend and redirect", "[config]") {
  Diagnostics d;
  const auto c = load(http_config("acl = is_api path_beg /api/ /v2/\n"
                                  "acl = is_api hdr_dom(host) -i api.example.org\n"
                                  "acl = internal src 10.0.0.0/8\n"
                                  "use_backend = api if is_api !internal || { method POST }\n"
                                  "redirect = scheme https if !{ ssl_fc } METH_GET\n",
                                  "[backend api]\nmode = http\nserver = a 10.0.0.1:80\n"),
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& f = c.frontends[0];
  REQUIRE(f.acls.size() == 2);
  CHECK(f.acls.at("is_api")->criteria.size() == 2);
  REQUIRE(f.use_backends.size() == 1);
  CHECK(f.use_backends[0].condition->any_of.size() == 2);
  CHECK(f.use_backends[0].condition->any_of[0][1].negate);
  REQUIRE(f.redirects[0].condition);
  CHECK(f.redirects[0].condition->any_of[0][0].negate);
}

TEST_CASE("acl errors carry file:line and a did-you-mean", "[config]") {
  Diagnostics d;
  load(http_config("acl = a pathbeg /x\n"
                   "acl = b path_beg\n"
                   "use_backend = app if is_apl\n"
                   "acl = is_api path_beg /api\n"),
       d);
  CHECK(has_error(d, "p.ini:5: error: key 'acl': unknown fetch 'pathbeg' (did you mean 'path'?)"));
  CHECK(has_error(d, "p.ini:7: error: key 'use_backend': no ACL named 'is_apl' (did you mean 'is_api'?)"));
  // path_beg without a pattern: the sample's truth (never false for a path), no error.
  CHECK(d.error_count() == 2);
}

TEST_CASE("use_backend errors", "[config]") {
  SECTION("unknown backend, with did-you-mean") {
    Diagnostics d;
    load(http_config("use_backend = ap if host x.org\n"), d);
    CHECK(has_error(d, "p.ini:5: error: frontend 'www': use_backend names unknown backend 'ap' (did you mean 'app'?)"));
  }
  SECTION("syntax") {
    for (const std::string value :
         {"app when host x", "app if host", "app if port 80", "app if host a b", "app if a ||", "app if { path"}) {
      Diagnostics d;
      load(http_config("use_backend = " + value + "\n"), d);
      INFO(value);
      CHECK(has_error(d, "p.ini:5: error: key 'use_backend'"));
    }
  }
  SECTION("sni routing works in tcp mode, the others need http") {
    Diagnostics d;
    load(
        "[frontend tls]\nbind = *:443\nbackend = a\n"
        "use_backend = b if sni b.example.org\n"
        "use_backend = b if host b.example.org\n"
        "[backend a]\nserver = a 10.0.0.1:443\n[backend b]\nserver = b 10.0.0.2:443\n",
        d);
    CHECK(d.error_count() == 1);
    CHECK(has_error(d, "p.ini:5: error: frontend 'tls': this use_backend condition reads the HTTP request"));
  }
  SECTION("not in a backend") {
    Diagnostics d;
    load(http_config("", "use_backend = app if host x.org\n"), d);
    CHECK(has_error(d, "unknown key 'use_backend' in [backend app]"));
  }
}

TEST_CASE("redirect rules", "[config]") {
  Diagnostics d;
  const auto c = load(http_config("redirect = scheme https code 301 unless sni www.example.org\n"
                                  "redirect = location https://example.org/moved\n"
                                  "redirect = location /new code 308 if path_beg /old\n"),
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& r = c.frontends[0].redirects;
  REQUIRE(r.size() == 3);
  CHECK(r[0].kind == RedirectRule::Kind::Scheme);
  CHECK(r[0].value == "https");
  CHECK(r[0].code == 301);
  REQUIRE(r[0].condition);
  CHECK(r[0].condition->unless);
  CHECK(r[0].condition->text == "unless sni www.example.org");
  CHECK(r[0].line == 5);
  CHECK(r[1].kind == RedirectRule::Kind::Location);
  CHECK(r[1].value == "https://example.org/moved");
  CHECK(r[1].code == 302);
  CHECK_FALSE(r[1].condition);
  CHECK(r[2].code == 308);
  CHECK(r[2].condition->text == "if path_beg /old");

  for (const std::string value : {"scheme ftp", "location", "location example.org", "scheme https code 200",
                                  "scheme https code", "scheme https if", "moved /x"}) {
    Diagnostics e;
    load(http_config("redirect = " + value + "\n"), e);
    INFO(value);
    CHECK(has_error(e, "p.ini:5: error: key 'redirect'"));
  }
  Diagnostics tcp;
  load("[frontend www]\nbind = *:80\nbackend = app\nredirect = scheme https\n[backend app]\nserver = a 10.0.0.1:80\n",
       tcp);
  CHECK(has_error(tcp, "p.ini:4: error: frontend 'www': redirect needs mode http"));
}

TEST_CASE("layer-7 keys in mode tcp: warnings, or errors where nothing could work", "[config]") {
  Diagnostics d;
  load(
      "[frontend www]\nbind = *:80\nbackend = app\nforwardfor = true\nhttp_request_del_header = X-A\n"
      "[backend app]\nserver = a 10.0.0.1:80\nbalance = uri\ncookie = SRV insert\ncheck = http\n"
      "timeout_http_request = 1s\nhttp_request = deny\n",
      d);
  INFO(d.to_string());
  CHECK(has_warning(d, "p.ini:12: warning: [backend app]: 'http_request' has no effect in mode tcp"));
  CHECK(has_warning(d, "p.ini:4: warning: [frontend www]: 'forwardfor' has no effect in mode tcp"));
  CHECK(has_warning(d, "p.ini:5: warning: [frontend www]: 'http_request_del_header' has no effect in mode tcp"));
  CHECK(has_warning(d, "p.ini:11: warning: [backend app]: 'timeout_http_request' has no effect in mode tcp"));
  CHECK(has_error(d, "p.ini:8: error: [backend app]: balance uri needs mode http"));
  CHECK(has_error(d, "p.ini:9: error: [backend app]: cookie needs mode http"));
  // An HTTP check of a TCP service is HAProxy's `option httpchk` in mode tcp (Patroni, kubeadm).
  CHECK_FALSE(has_error(d, "check = http"));
  CHECK(d.error_count() == 2);

  Diagnostics inherited;
  load("[defaults]\nmode = http\nbalance = hdr(Host)\n[backend app]\nmode = tcp\nserver = a 10.0.0.1:80\n", inherited);
  CHECK(
      has_error(inherited, "p.ini:4: error: [backend app]: balance hdr() needs mode http (inherited from [defaults])"));
}

TEST_CASE("bind ssl", "[config]") {
  SECTION("parse_bind") {
    auto plain = parse_bind("*:80 accept_proxy");
    REQUIRE(plain);
    CHECK_FALSE(plain->tls);
    auto b = parse_bind("*:443 ssl crt=/etc/proxyd/a.pem,/etc/proxyd/certs alpn=http/1.1,http/1.0");
    REQUIRE(b);
    REQUIRE(b->tls);
    CHECK(b->tls->crt == std::vector<std::string>{"/etc/proxyd/a.pem", "/etc/proxyd/certs"});
    CHECK(b->tls->alpn == std::vector<std::string>{"http/1.1", "http/1.0"});
    // proxyd speaks HTTP/1.x behind TLS: offering h2 would break clients.
    CHECK_FALSE(parse_bind("*:443 ssl crt=/a.pem alpn=h2,http/1.1"));
    auto d = parse_bind("*:443 accept_proxy ssl crt=/a.pem");
    REQUIRE(d);
    CHECK(d->accept_proxy);
    CHECK(d->tls->alpn == std::vector<std::string>{"http/1.1"});
  }
  SECTION("errors") {
    CHECK(parse_bind("*:443 ssl").error().message == "ssl needs crt=PATH");
    CHECK(parse_bind("*:443 crt=/a.pem").error().message == "crt=, alpn= and no_tls_tickets need ssl");
    CHECK(parse_bind("*:443 ssl crt=a.pem").error().message.find("absolute path") != std::string::npos);
    CHECK(parse_bind("*:443 ssl crt=/a.pem,").error().message.find("empty item") != std::string::npos);
    CHECK(parse_bind("*:443 ssl crt=/a.pem alpn=").error().message.find("empty item") != std::string::npos);
    CHECK(parse_bind("*:443 ssl crt=/a.pem tls13").error().message.find("unknown bind option") != std::string::npos);
  }
  SECTION("the frontend's ssl settings reach the bind") {
    Diagnostics d;
    const auto c = load(http_config("ssl_min_version = TLSv1.3\nssl_ciphers = HIGH\nssl_ciphersuites = "
                                    "TLS_AES_256_GCM_SHA384\nbind = *:443 ssl crt=/etc/proxyd/site.pem\n"),
                        d);
    INFO(d.to_string());
    REQUIRE_FALSE(d.has_errors());
    const auto& binds = c.frontends[0].binds;
    REQUIRE(binds.size() == 2);
    CHECK_FALSE(binds[0].tls);
    REQUIRE(binds[1].tls);
    CHECK(binds[1].tls->min_version == "TLSv1.3");
    CHECK(binds[1].tls->ciphers == "HIGH");
    CHECK(binds[1].tls->ciphersuites == "TLS_AES_256_GCM_SHA384");
  }
  SECTION("ssl on a tcp frontend") {
    Diagnostics d;
    load("[frontend www]\nbind = *:443 ssl crt=/a.pem\nbackend = app\n[backend app]\nserver = a 10.0.0.1:80\n", d);
    CHECK(has_error(d,
                    "p.ini:2: error: frontend 'www': ssl termination needs mode http; for passthrough use "
                    "use_backend ... if sni"));
  }
}

TEST_CASE("server ssl and cookie", "[config]") {
  SECTION("parse_server") {
    auto s = parse_server("web1 10.0.0.21:443 cookie=w1 ssl sni=app.internal alpn=http/1.1");
    REQUIRE(s);
    CHECK(s->cookie == "w1");
    REQUIRE(s->tls);
    CHECK_FALSE(s->tls->verify);  // no ca_file: verify=none by default
    CHECK(s->tls->sni == "app.internal");
    CHECK(s->tls->alpn == std::vector<std::string>{"http/1.1"});
    auto with_ca = parse_server("web1 10.0.0.21:443 ssl ca_file=/etc/ssl/internal-ca.pem");
    REQUIRE(with_ca);
    CHECK(with_ca->tls->verify);  // ca_file given: verify=required by default
    CHECK(with_ca->tls->ca_file == "/etc/ssl/internal-ca.pem");
    auto explicit_none = parse_server("web1 10.0.0.21:443 ssl ca_file=/ca.pem verify=none");
    REQUIRE(explicit_none);
    CHECK_FALSE(explicit_none->tls->verify);
    auto system_store = parse_server("web1 10.0.0.21:443 ssl verify=required");
    REQUIRE(system_store);
    CHECK(system_store->tls->verify);
    CHECK(system_store->tls->ca_file.empty());
    auto plain = parse_server("web1 10.0.0.21:80");
    REQUIRE(plain);
    CHECK_FALSE(plain->tls);
    CHECK(plain->cookie.empty());
  }
  SECTION("errors") {
    CHECK(parse_server("a 10.0.0.1:443 sni=x").error().message ==
          "verify=, ca_file=, sni= and alpn= need ssl (or check_ssl)");
    CHECK(parse_server("a 10.0.0.1:443 ssl verify=maybe").error().message.find("none or required") !=
          std::string::npos);
    CHECK(parse_server("a 10.0.0.1:443 ssl ca_file=ca.pem").error().message.find("absolute path") != std::string::npos);
    CHECK(parse_server("a 10.0.0.1:443 cookie=").error().message.find("unknown server option") != std::string::npos);
  }
  SECTION("cookie= without a backend cookie warns") {
    Diagnostics d;
    load(http_config("", "server = web2 10.0.0.22:80 cookie=w2\n"), d);
    INFO(d.to_string());
    CHECK_FALSE(d.has_errors());
    CHECK(has_warning(d,
                      "p.ini:8: warning: backend 'app': server 'web2' has cookie=w2 but the backend sets no "
                      "'cookie'"));
    Diagnostics ok;
    load(http_config("", "cookie = SRV insert\nserver = web2 10.0.0.22:80 cookie=w2\n"), ok);
    CHECK(ok.all().empty());
  }
}

TEST_CASE("the value parsers are exported", "[config]") {
  CHECK(parse_use_backend("api if host api.example.org")->backend == "api");
  CHECK(parse_redirect("scheme https")->code == 302);
  CHECK(parse_header_rule(HeaderRule::Action::Set, "X-A  b  c ")->value == "b  c");
  CHECK(parse_header_rule(HeaderRule::Action::Add, std::string("X-A b\rc")).error().message.find("CR, LF") !=
        std::string::npos);
  CHECK(parse_cookie("JSESSIONID prefix")->mode == CookieSettings::Mode::Prefix);
  CHECK(parse_http_check("HEAD /ping")->method == "HEAD");
  CHECK(parse_check_expect("status 200-299")->status_max == 299);
  CHECK(parse_errorfile("429 /e/429.http")->status == 429);
}

TEST_CASE("etc/proxyd.ini loads, and so does its commented mode http example", "[config]") {
  std::ifstream in(HAPAIR_SOURCE_DIR "/etc/proxyd.ini");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  Diagnostics d;
  load(text.str(), d);
  INFO(d.to_string());
  CHECK_FALSE(d.has_errors());

  // Uncomment the block from "; HTTP mode" to the next blank line.
  std::istringstream lines(text.str());
  std::string out;
  std::string line;
  bool in_example = false;
  while (std::getline(lines, line)) {
    if (line.starts_with("; HTTP mode")) in_example = true;
    if (line.empty()) in_example = false;
    if (in_example && line.starts_with("; [")) line = line.substr(2);
    if (in_example && line.starts_with("; ") && line.find(" = ") != std::string::npos) line = line.substr(2);
    out += line + "\n";
  }
  Diagnostics uncommented;
  const auto c = load(out, uncommented);
  INFO(uncommented.to_string());
  CHECK_FALSE(uncommented.has_errors());
  CHECK(c.frontends.size() == 4);
  CHECK(c.backends.size() == 3);
}

TEST_CASE("an http frontend logs httplog unless a log_format is chosen", "[config]") {
  Diagnostics d;
  const auto config = load(http_config(""), d);
  REQUIRE_FALSE(d.has_errors());
  CHECK(config.frontends[0].settings.log_format == "httplog");
  Diagnostics d2;
  const auto custom = load(http_config("log_format = %ci %ST\n"), d2);
  REQUIRE_FALSE(d2.has_errors());
  CHECK(custom.frontends[0].settings.log_format == "%ci %ST");
}

TEST_CASE("capture slots are numbered in declaration order, as HAProxy numbers them", "[config]") {
  Diagnostics d;
  const auto c = load(http_config("capture_request_header = Host len 5\n"               // 5
                                  "http_request = capture req.hdr(user-agent) len 4\n"  // 6
                                  "declare_capture = request len 3\n"                   // 7
                                  "http_request = capture path id 2\n"                  // 8
                                  "declare_capture = response len 2\n"
                                  "capture_response_header = Content-Length len 8\n"
                                  "http_response = capture res.hdr(server) id 0\n"),
                      d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& fe = c.frontends.at(0);
  REQUIRE(fe.capture_request_headers.size() == 3);
  CHECK(fe.capture_request_headers[0].name == "Host");
  CHECK(fe.capture_request_headers[1].name.empty());
  CHECK(fe.capture_request_headers[1].len == 4);
  CHECK(fe.capture_request_headers[2].len == 3);
  CHECK(fe.http_request.at(0).capture_id == std::optional<std::size_t>(1));
  REQUIRE(fe.capture_response_headers.size() == 2);
  CHECK(fe.capture_response_headers[0].len == 2);
  CHECK(fe.capture_response_headers[1].name == "Content-Length");
  // The captures appear in httplog's {…} fields.
  CHECK(fe.settings.log_format.find("%hr") != std::string::npos);
  CHECK(fe.settings.log_format.find("%hs") != std::string::npos);
}

TEST_CASE("capture ids beyond the slots and len captures in a backend are errors", "[config]") {
  Diagnostics d;
  load(http_config("declare_capture = request len 3\n"   // 5
                   "http_request = capture path id 1\n"  // 6
                   "http_response = capture status id 0\n"
                   "declare_capture = both len 3\n",
                   "http_request = capture path len 3\n"),
       d);
  INFO(d.to_string());
  CHECK(has(d, Severity::Error, "p.ini:6: error: capture id 1: frontend 'www' has 1 request capture slot"));
  CHECK(has(d, Severity::Error, "p.ini:7: error: capture id 0: frontend 'www' has 0 response capture slots"));
  CHECK(has(d, Severity::Error, "p.ini:8: error: key 'declare_capture': expected request|response len N"));
  CHECK(has(d, Severity::Error, "backend 'app': capture ... len N declares a slot, which only a frontend has"));
}
