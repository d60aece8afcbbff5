// Differential: the same ACLs and use_backend rules in HAProxy (Debian's
// haproxy, a test peer only) and in proxyd, the same requests to both; every
// request must reach the same backend through each.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/core/text.h"
#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;
using testing::HttpBackend;
using testing::TcpClient;

namespace {

// Written once, used by both: HAProxy's `acl NAME ...` is proxyd's `acl = NAME ...`.
const std::vector<std::string> kAcls{
    "is_api path_beg /api/ /v2/",
    "is_api hdr_dom(host) -i api.example.org",
    "lan src 10.0.0.0/8",
    "json path_end .json",
    "tenant hdr(x-tenant),lower,field(1,-) blue",
    "img path_dir img",
    "many hdr_cnt(x-list) ge 2",
    "long path_len gt 20",
    "fr url_param(lang) -i fr",
    "shop hdr_beg(host) -i shop.",
    "bot hdr_sub(user-agent) bot",
    "session cook(session) -m found",
    "writes method PUT DELETE",
    "debug query -m sub debug=1",
    "short path,length lt 3",
    "v10 req.ver 1.0",
    "versioned path_reg ^/api/v[0-9]+/",
    "mobile hdr(user-agent) -m reg -i (android|iphone)",
};

const std::vector<std::string> kUseBackends{
    "b1 if is_api !lan",
    "b2 if json || img",
    "b3 if tenant METH_POST",
    "b4 if many long",
    "b1 if fr shop",
    "b2 if bot || session",
    "b3 if { url_beg /x/ } !{ hdr(x-skip) -m found }",
    "b4 if writes debug",
    "b1 if short v10",
    "b2 if mobile",
    "b3 if versioned",
};

struct Request {
  std::string method;
  std::string target;
  std::vector<std::string> headers;
  std::string version = "HTTP/1.1";
};

const std::vector<Request> kRequests{
    {"GET", "/", {}},
    {"GET", "/api/users", {}},
    {"GET", "/apix", {}},
    {"GET", "/", {"Host: API.Example.org:8443"}},
    {"GET", "/", {"Host: www.api.example.org"}},
    {"GET", "/", {"Host: myapi.example.org"}},
    {"GET", "/static/a.json", {}},
    {"GET", "/static/a.json?x=1", {}},
    {"GET", "/img/logo.png", {}},
    {"GET", "/imgs/logo.png", {}},
    {"POST", "/form", {"X-Tenant: Blue-7"}},
    {"GET", "/form", {"X-Tenant: blue"}},
    {"POST", "/form", {"X-Tenant: red-blue"}},
    {"GET", "/a/very/long/path/for/sure", {"X-List: a, b"}},
    {"GET", "/a/very/long/path/for/sure", {"X-List: a"}},
    {"GET", "/a/very/long/path/for/sure", {"X-List: a", "X-List: b"}},
    {"GET", "/p?lang=FR", {"Host: shop.example.org"}},
    {"GET", "/p?lang=de", {"Host: shop.example.org"}},
    {"GET", "/", {"User-Agent: Googlebot/2.1"}},
    {"GET", "/", {"Cookie: a=1; session=abc"}},
    {"GET", "/", {"Cookie: sessions=abc"}},
    {"GET", "/x/1", {}},
    {"GET", "/x/1", {"X-Skip: 1"}},
    {"PUT", "/doc?debug=1&a=2", {}},
    {"DELETE", "/doc?debug=0", {}},
    {"GET", "/", {}, "HTTP/1.0"},
    {"GET", "/ab", {}, "HTTP/1.0"},
    {"GET", "/", {"User-Agent: Mozilla/5.0 (Linux; Android 14)"}},
    {"GET", "/api/v3/x", {"X-Forwarded-For: 10.1.2.3"}},
    {"GET", "/api/vx/x", {}},
};

// The whole reply to <req> through <port>.
std::string reply_to(std::uint16_t port, const Request& req) {
  auto client = TcpClient::connect(fmt::format("127.0.0.1:{}", port));
  if (!client) return "<no connection>";
  std::string head = fmt::format("{} {} {}\r\n", req.method, req.target, req.version);
  bool has_host = false;
  for (const auto& h : req.headers) {
    head += h + "\r\n";
    has_host |= h.starts_with("Host:");
  }
  if (!has_host) head += "Host: www.example.org\r\n";
  head += "Content-Length: 0\r\nConnection: close\r\n\r\n";
  if (!client->send_all(head)) return "<send failed>";
  return client->read_to_end().value_or("<timeout>");
}

// The name of the backend that answered <req> through <port> ("web\n" -> "web").
std::string served_by(std::uint16_t port, const Request& req) {
  const auto reply = reply_to(port, req);
  const auto body = reply.find("\r\n\r\n");
  if (body == std::string::npos) return reply;
  auto name = reply.substr(body + 4);
  if (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

// The status code, a header's value and the body of <reply>.
std::string status_of(const std::string& reply) {
  return reply.substr(9, 3);
}
// (HAProxy 2.x sends field names in lower case: compared without case.)
std::string header_of(const std::string& reply, const std::string& name) {
  const auto head = reply.substr(0, reply.find("\r\n\r\n"));
  const auto lower = common::text::to_lower(head);
  const auto at = lower.find("\r\n" + common::text::to_lower(name) + ": ");
  if (at == std::string::npos) return "<none>";
  const auto start = at + name.size() + 4;
  return head.substr(start, head.find("\r\n", start) - start);
}
std::string body_of(const std::string& reply) {
  const auto at = reply.find("\r\n\r\n");
  return at == std::string::npos ? "" : reply.substr(at + 4);
}

bool accepts(std::uint16_t port) {
  return testing::eventually([&] { return TcpClient::connect(fmt::format("127.0.0.1:{}", port)).has_value(); }, 10s);
}

// HAProxy and proxyd side by side, with the same rules and backends: each
// (directive, rule) in <rules> is written as `  directive rule` for HAProxy
// and `directive_with_underscores = rule` for proxyd; <backends> name
// HttpBackends of their own per daemon ("web" is the default backend).
struct Pair {
  testing::TempDir dir;
  std::uint16_t haproxy_port = testing::free_port();
  std::uint16_t proxyd_port = testing::free_port();
  std::unique_ptr<testing::DaemonRunner> haproxy;
  std::unique_ptr<testing::DaemonRunner> proxyd;

  // <logs>: both log their access lines raw to stderr (their log files).
  Pair(const std::vector<std::pair<std::string, std::string>>& rules, const std::string& haproxy_backends,
       const std::string& proxyd_backends, bool logs = false) {
    std::string theirs, ours;
    for (const auto& [directive, rule] : rules) {
      theirs += "  " + directive + " " + rule + "\n";
      std::string key = directive;
      std::replace(key.begin(), key.end(), '-', '_');
      std::replace(key.begin(), key.end(), ' ', '_');  // capture request header -> capture_request_header
      ours += key + " = " + rule + "\n";
    }
    const auto cfg = dir.write(
        "haproxy.cfg", fmt::format("global\n  pidfile {}\n{}defaults\n  mode http\n  timeout connect 1s\n"
                                   "  timeout client 5s\n  timeout server 5s\n{}frontend www\n  bind 127.0.0.1:{}\n{}"
                                   "  default_backend web\n{}",
                                   dir.file("haproxy.pid"), logs ? "  log stderr format raw local0\n" : "",
                                   logs ? "  log global\n" : "", haproxy_port, theirs, haproxy_backends));
    const auto ini =
        dir.write("proxyd.ini",
                  fmt::format("[global]\nlog = stderr{}\npidfile = {}\n[defaults]\nmode = http\n"
                              "[frontend www]\nbind = 127.0.0.1:{}\n{}backend = web\n{}",
                              logs ? " format raw" : "", dir.file("proxyd.pid"), proxyd_port, ours, proxyd_backends));
    haproxy = std::make_unique<testing::DaemonRunner>(std::vector<std::string>{"haproxy", "-db", "-f", cfg},
                                                      dir.file("haproxy.log"));
    proxyd = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", ini}, dir.file("proxyd.log"));
  }

  bool started() const { return accepts(haproxy_port) && proxyd->wait_for_log("started", 10s); }
};

bool haproxy_missing() {
  if (std::system("command -v haproxy >/dev/null 2>&1") == 0) return false;
  WARN("haproxy not installed (scripts/install-deps.sh installs it): skipped");
  return true;
}

}  // namespace

TEST_CASE("differential: ACL routing decides as HAProxy does", "[proxyd][http][differential]") {
  if (haproxy_missing()) return;
  std::vector<std::unique_ptr<HttpBackend>> backends;
  std::string haproxy_backends, proxyd_backends;
  for (const char* name : {"web", "b1", "b2", "b3", "b4"}) {
    backends.push_back(std::make_unique<HttpBackend>(name));
    haproxy_backends += fmt::format("backend {}\n  server s {}\n", name, backends.back()->endpoint());
    proxyd_backends += fmt::format("[backend {}]\nserver = s {}\n", name, backends.back()->endpoint());
  }
  std::vector<std::pair<std::string, std::string>> rules;
  for (const auto& a : kAcls) rules.emplace_back("acl", a);
  for (const auto& u : kUseBackends) rules.emplace_back("use_backend", u);
  Pair pair(rules, haproxy_backends, proxyd_backends);
  INFO(pair.haproxy->log());
  INFO(pair.proxyd->log());
  REQUIRE(pair.started());
  const auto haproxy_port = pair.haproxy_port;
  const auto proxyd_port = pair.proxyd_port;

  std::set<std::string> reached;
  for (const auto& req : kRequests) {
    const auto theirs = served_by(haproxy_port, req);
    const auto ours = served_by(proxyd_port, req);
    INFO(req.method << " " << req.target << " " << req.version << " headers: " << req.headers.size());
    CHECK(ours == theirs);
    reached.insert(theirs);
  }
  // The requests exercise every backend, so a rule that never fires is seen.
  CHECK(reached == std::set<std::string>{"web", "b1", "b2", "b3", "b4"});
}

TEST_CASE("differential: http_request and http_response rules act as HAProxy's", "[proxyd][http][differential]") {
  if (haproxy_missing()) return;
  HttpBackend theirs_backend("web"), ours_backend("web");
  // Written once: HAProxy's `http-request X` is proxyd's `http_request = X`.
  const std::vector<std::string> request_rules{
      "set-header X-Src %[src]",
      "set-header X-Host %[req.hdr(host),lower,field(1,:)]",
      "add-header X-Path %[path] if { path_beg /api/ }",
      "del-header X-Secret",
      "deny deny_status 429 if { path_beg /deny }",
      "return status 200 content-type text/plain lf-string pong-%[method] if { path /ping }",
      "redirect location /new code 301 if { path /old }",
      "redirect scheme https code 302 if { hdr(x-upgrade) -m found }",
      "set-path /rw%[path] if { path_beg /rewrite/ }",
      "set-path %[path,regsub(^/strip/,/)] if { path_beg /strip/ }",
      "replace-path ^/old-api/(.*) /api/\\1",
  };
  const std::vector<std::string> response_rules{"set-header X-Status %[status]", "del-header X-Served-By",
                                                "replace-header X-Powered (.*)-(.*) \\2+\\1"};
  std::vector<std::pair<std::string, std::string>> rules;
  for (const auto& r : request_rules) rules.emplace_back("http-request", r);
  for (const auto& r : response_rules) rules.emplace_back("http-response", r);
  Pair pair(rules, fmt::format("backend web\n  server s {}\n", theirs_backend.endpoint()),
            fmt::format("[backend web]\nserver = s {}\n", ours_backend.endpoint()));
  INFO(pair.haproxy->log());
  INFO(pair.proxyd->log());
  REQUIRE(pair.started());
  const auto haproxy_port = pair.haproxy_port;
  const auto proxyd_port = pair.proxyd_port;

  const std::vector<Request> requests{
      {"GET", "/", {"Host: WWW.Example.org:8080", "X-Secret: s"}},
      {"GET", "/api/v1?q=1", {}},
      {"GET", "/deny/x", {}},
      {"GET", "/ping", {}},
      {"POST", "/ping", {}},
      {"GET", "/old", {}},
      {"GET", "/a?b=c", {"X-Upgrade: 1"}},
      {"GET", "/rewrite/x?y=1", {}},
      {"GET", "/strip/a/b?c=1", {}},
      {"GET", "/old-api/users?p=2", {}},
  };
  for (const auto& req : requests) {
    INFO(req.method << " " << req.target);
    const auto theirs = reply_to(haproxy_port, req);
    const auto ours = reply_to(proxyd_port, req);
    CHECK(status_of(ours) == status_of(theirs));
    CHECK(header_of(ours, "Location") == header_of(theirs, "Location"));
    CHECK(header_of(ours, "X-Status") == header_of(theirs, "X-Status"));
    CHECK(header_of(ours, "X-Served-By") == header_of(theirs, "X-Served-By"));
    if (status_of(theirs) == "200") CHECK(body_of(ours) == body_of(theirs));
  }
  // What reached the servers: the same request lines and rule-made fields.
  const auto a = theirs_backend.requests();
  const auto b = ours_backend.requests();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(a[i].request_line());
    CHECK(b[i].request_line() == a[i].request_line());
    for (const char* h : {"X-Src", "X-Host", "X-Path", "X-Secret"}) {
      INFO(h);
      CHECK(b[i].header(h) == a[i].header(h));
    }
  }
  CHECK(a.size() == 5);  // "/", "/api/v1?q=1" and the three rewritten ones
}

TEST_CASE("differential: maps, pattern files and computed backend names as HAProxy's", "[proxyd][http][differential]") {
  if (haproxy_missing()) return;
  testing::TempDir files;
  const auto hosts = files.write("hosts.map",
                                 "# host -> backend\nshop.example.org b1\napi.example.org b2\n"
                                 "old.example.org nowhere\n");
  const auto paths = files.write("paths.map", "/static/ s\n/api/v2/ v2\n");
  const auto nets = files.write("nets.map", "10.0.0.0/8 ten\n127.0.0.0/8 loop\n127.0.0.1 me\n");
  const auto ints = files.write("ints.map", "1:10 small\n11:100 big\n");
  const auto ips = files.write("ips.lst", "192.0.2.0/24\n# comment\n\n  198.51.100.7\n");
  const auto agents = files.write("agents.lst", "curl/\nWget/\n");
  std::vector<std::unique_ptr<HttpBackend>> theirs, ours;
  std::string haproxy_backends, proxyd_backends;
  for (const char* name : {"web", "b1", "b2", "b3"}) {
    theirs.push_back(std::make_unique<HttpBackend>(name));
    ours.push_back(std::make_unique<HttpBackend>(name));
    haproxy_backends += fmt::format("backend {}\n  server s {}\n", name, theirs.back()->endpoint());
    proxyd_backends += fmt::format("[backend {}]\nserver = s {}\n", name, ours.back()->endpoint());
  }
  const std::vector<std::pair<std::string, std::string>> rules{
      {"acl", fmt::format("bad_client hdr(x-client) -m ip -f {}", ips)},
      {"acl", fmt::format("tool hdr(user-agent) -m beg -i -f {}", agents)},
      {"http-request", fmt::format("set-header X-Net %[src,map_ip({},none)]", nets)},
      {"http-request", fmt::format("set-header X-Size %[req.hdr(x-n),map_int({},none)]", ints)},
      {"http-request", fmt::format("set-header X-Area %[path,map_beg({})]", paths)},
      {"http-request", "deny deny_status 403 if bad_client"},
      {"use_backend", "b3 if tool"},
      {"use_backend", fmt::format("%[req.hdr(host),lower,field(1,:),map({},web)]", hosts)},
  };
  Pair pair(rules, haproxy_backends, proxyd_backends);
  INFO(pair.haproxy->log());
  INFO(pair.proxyd->log());
  REQUIRE(pair.started());
  const std::vector<Request> requests{
      {"GET", "/", {"Host: Shop.Example.org:8080"}},
      {"GET", "/api/v2/x", {"Host: api.example.org", "X-N: 5"}},
      {"GET", "/static/a.css", {"Host: unknown.example.org", "X-N: 50"}},
      {"GET", "/", {"Host: old.example.org"}},  // names no backend: the default
      {"GET", "/", {"X-Client: 192.0.2.77"}},
      {"GET", "/", {"X-Client: 198.51.100.8"}},
      {"GET", "/", {"User-Agent: CURL/8.0"}},
      {"GET", "/", {"User-Agent: Mozilla/5.0"}},
  };
  for (const auto& req : requests) {
    INFO(req.target << " " << (req.headers.empty() ? "" : req.headers[0]));
    const auto a = reply_to(pair.haproxy_port, req);
    const auto b = reply_to(pair.proxyd_port, req);
    CHECK(status_of(b) == status_of(a));
    CHECK(header_of(b, "X-Served-By") == header_of(a, "X-Served-By"));
  }
  for (std::size_t i = 0; i < theirs.size(); ++i) {
    const auto a = theirs[i]->requests();
    const auto b = ours[i]->requests();
    INFO(theirs[i]->name());
    REQUIRE(a.size() == b.size());
    for (std::size_t j = 0; j < a.size(); ++j) {
      for (const char* h : {"X-Net", "X-Size", "X-Area"}) {
        INFO(h);
        CHECK(b[j].header(h) == a[j].header(h));
      }
    }
  }
  CHECK(theirs[1]->request_count() == 1);  // shop -> b1
  CHECK(theirs[3]->request_count() == 1);  // curl -> b3
}

TEST_CASE("differential: target, method, value and variable actions, auth and set-status as HAProxy's",
          "[proxyd][http][differential]") {
  if (haproxy_missing()) return;
  HttpBackend theirs_backend("web"), ours_backend("web");
  const std::vector<std::string> request_rules{
      "auth realm Private if { path_beg /private }",
      "set-var(txn.tenant) req.hdr(x-tenant),lower",
      "set-var-fmt(txn.pair) %[var(txn.tenant)]-%[method]",
      "set-header X-Pair %[var(txn.pair)]",
      "set-header X-Default %[var(txn.missing,none)]",
      "set-query v=%[var(txn.tenant)] if { path_beg /q/ }",
      "set-uri /u%[path] if { path_beg /uri/ }",
      "replace-uri ^/ru/([^?]*)\\?(.*) /ru2/\\1/\\2",
      "replace-pathq ^/rp/(.*) /rp2/\\1",
      "replace-value X-List ^a(.*)$ z\\1",
      "set-method PUT if { path_beg /put/ }",
      "del-header X-Tenant",
      "deny deny_status 429 if { hdr(x-tenant) -m found }",
  };
  const std::vector<std::string> response_rules{
      "set-status 299 if { var(txn.tenant) -m str blue }",
      "set-status 203 reason Rewritten if { var(txn.tenant) -m str red }",
      "set-header X-Tenant-Back %[var(txn.tenant)]",
  };
  std::vector<std::pair<std::string, std::string>> rules;
  for (const auto& r : request_rules) rules.emplace_back("http-request", r);
  for (const auto& r : response_rules) rules.emplace_back("http-response", r);
  Pair pair(rules, fmt::format("backend web\n  server s {}\n", theirs_backend.endpoint()),
            fmt::format("[backend web]\nserver = s {}\n", ours_backend.endpoint()));
  INFO(pair.haproxy->log());
  INFO(pair.proxyd->log());
  REQUIRE(pair.started());
  const std::vector<Request> requests{
      {"GET", "/private/x", {}},
      {"GET", "/q/a?old=1", {"X-Tenant: Blue"}},
      {"GET", "/uri/b?k=v", {"X-Tenant: red"}},
      {"GET", "/ru/c?d=e", {}},
      {"GET", "/rp/f?g=h", {}},
      {"GET", "/l", {"X-List: a1, b2,a3"}},
      {"POST", "/put/x", {}},
  };
  for (const auto& req : requests) {
    INFO(req.method << " " << req.target);
    const auto theirs = reply_to(pair.haproxy_port, req);
    const auto ours = reply_to(pair.proxyd_port, req);
    CHECK(ours.substr(0, ours.find("\r\n")) == theirs.substr(0, theirs.find("\r\n")));  // status line
    CHECK(header_of(ours, "WWW-Authenticate") == header_of(theirs, "WWW-Authenticate"));
    CHECK(header_of(ours, "X-Tenant-Back") == header_of(theirs, "X-Tenant-Back"));
  }
  const auto a = theirs_backend.requests();
  const auto b = ours_backend.requests();
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO(a[i].request_line());
    CHECK(b[i].request_line() == a[i].request_line());
    for (const char* h : {"X-Pair", "X-Default", "X-List", "X-Tenant"}) {
      INFO(h);
      CHECK(b[i].header(h) == a[i].header(h));
    }
  }
  CHECK(a.size() == 6);
}

// The access-log lines of <log> that start with <marker>, in order.
std::vector<std::string> lines_starting(const std::string& log, const std::string& marker) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < log.size()) {
    const auto end = std::min(log.find('\n', at), log.size());
    if (log.compare(at, marker.size(), marker) == 0) out.push_back(log.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

TEST_CASE("differential: header captures, declare capture and the capture action log as HAProxy's",
          "[proxyd][http][differential]") {
  if (haproxy_missing()) return;
  HttpBackend theirs_backend("web"), ours_backend("web");
  // Slots in declaration order: request {Host, user-agent, path by id},
  // response {declared (X-Served-By by id), Content-Length}.
  const std::vector<std::pair<std::string, std::string>> rules{
      {"capture request header", "Host len 5"},
      {"http-request", "capture req.hdr(user-agent) len 4"},
      {"declare capture", "request len 3"},
      {"http-request", "capture path id 2 if { path_beg /p }"},
      {"declare capture", "response len 2"},
      {"capture response header", "Content-Length len 8"},
      {"http-response", "capture res.hdr(x-served-by) id 0"},
      {"log-format", "L:%hr:%hs:%ST"},
  };
  Pair pair(rules, fmt::format("backend web\n  server s {}\n", theirs_backend.endpoint()),
            fmt::format("[backend web]\nserver = s {}\n", ours_backend.endpoint()), true);
  INFO(pair.haproxy->log());
  INFO(pair.proxyd->log());
  REQUIRE(pair.started());
  const std::vector<Request> requests{
      {"GET", "/", {"Host: www.example.org", "User-Agent: curl/8.0"}},
      {"GET", "/path/x", {"Host: h"}},
      {"GET", "/q", {"User-Agent: a|b"}},
  };
  for (const auto& req : requests) {
    CHECK(status_of(reply_to(pair.haproxy_port, req)) == "200");
    CHECK(status_of(reply_to(pair.proxyd_port, req)) == "200");
  }
  const auto logged = [&](const testing::DaemonRunner& d) { return lines_starting(d.log(), "L:{").size() == 3; };
  const bool both = testing::eventually([&] { return logged(*pair.haproxy) && logged(*pair.proxyd); }, 5s);
  INFO(pair.haproxy->log());
  INFO(pair.proxyd->log());
  REQUIRE(both);
  const auto theirs = lines_starting(pair.haproxy->log(), "L:{");  // not the probe's empty connection
  const auto ours = lines_starting(pair.proxyd->log(), "L:{");
  CHECK(ours == theirs);
  CHECK(theirs[1].find("/pa") != std::string::npos);  // the id capture fired where it should
}
