// The compatibility harness (issue: "behaving like the originals"): one
// haproxy.cfg, written here with the constructs operators' files use, run by
// HAProxy 2.6 and by proxyd, each in front of its own copy of the same
// servers. A few hundred generated requests (hosts, paths, methods, headers,
// bodies; each on its own connection), keep-alive sequences, malformed
// requests, and a server going down are sent to both; everything a client or
// a server can observe is compared: the status, the server that answered,
// Location, the headers the rules add, and, per request, the request line
// and the headers the server received; then the httplog fields.
// Intended differences (tests/compat/README.md) are asserted as such.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <thread>

#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/http_head.h"
#include "support/httplog_fields.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;

namespace {

constexpr const char* kConfig = R"(# written for this test: what operators' files do
global
    log stderr format raw local0 info
    maxconn 1000

defaults
    mode http
    log global
    option httplog
    option forwardfor
    timeout connect 2s
    timeout client 5s
    timeout server 5s

frontend www
    bind "127.0.0.1:${PORT}"
    acl host_api hdr(host) -i api.test
    acl is_static path_beg /static/ /img/
    acl is_php path_end .php
    acl bad_method method TRACE
    acl has_debug url_param(debug) -m found
    acl old_path path_beg /old/
    http-request deny deny_status 405 if bad_method
    http-request deny if is_php
    http-request return status 200 content-type text/plain string pong if { path /ping }
    http-request redirect prefix http://new.test code 302 if { hdr(host) -i old.test }
    http-request redirect location /new/ code 301 if old_path
    http-request set-header X-Debug 1 if has_debug
    http-request del-header X-Secret
    http-request replace-path ^/v1/(.*) /api/\1
    http-request set-header X-Method %[method]
    http-response set-header X-Frontend www
    use_backend api if host_api or { path_beg /api/ }
    use_backend static if is_static
    default_backend web

backend web
    balance roundrobin
    server a "127.0.0.1:${WEB_A}" check inter 200ms fall 1 rise 1
    server b "127.0.0.1:${WEB_B}" check inter 200ms fall 1 rise 1

backend api
    balance roundrobin
    http-response set-header X-Api yes
    server a "127.0.0.1:${WEB_A}"
    server b "127.0.0.1:${WEB_B}"

backend static
    server c "127.0.0.1:${WEB_C}"
)";

// One side: a proxy and its own servers a, b, c.
struct Side {
  std::string tag;
  testing::HttpBackend a{"a"};
  testing::HttpBackend b{"b"};
  testing::HttpBackend c{"c"};
  std::uint16_t port = testing::free_port();
  std::unique_ptr<testing::DaemonRunner> proxy;

  std::vector<std::string> env() const {
    return {"env", fmt::format("PORT={}", port), fmt::format("WEB_A={}", a.port()), fmt::format("WEB_B={}", b.port()),
            fmt::format("WEB_C={}", c.port())};
  }
  std::string endpoint() const { return fmt::format("127.0.0.1:{}", port); }
};

// What a client saw of one response.
struct Seen {
  int status = 0;
  std::string served_by, location, api, frontend, body;
  bool operator==(const Seen&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << s.status << " by=" << s.served_by << " loc=" << s.location << " api=" << s.api << " fe=" << s.frontend
             << " body=" << s.body.substr(0, 20);
}

using testing::header_of;

// Sends <request> on a fresh connection and reads the answer to its end.
Seen send_one(const Side& side, const std::string& request) {
  auto client = testing::TcpClient::connect(side.endpoint());
  REQUIRE(client);
  REQUIRE(client->send_all(request));
  const auto reply = client->read_to_end().value_or("");
  Seen s;
  if (reply.size() > 12 && reply.starts_with("HTTP/1.")) s.status = std::stoi(reply.substr(9, 3));
  const auto end = reply.find("\r\n\r\n");
  const auto head = reply.substr(0, end);
  s.served_by = header_of(head, "X-Served-By");
  s.location = header_of(head, "Location");
  s.api = header_of(head, "X-Api");
  s.frontend = header_of(head, "X-Frontend");
  // The proxy's own answers: `return`'s body is the configuration's; the
  // built-in error pages are worded by each (an intended difference), so
  // only whether a body came is compared for them (none for HEAD).
  if (end != std::string::npos && s.served_by.empty()) {
    s.body = reply.substr(end + 4);
    if (s.body.starts_with("<html>")) s.body = "(error page)";
  }
  return s;
}

// The generated request set: the same on both sides but for the id prefix.
struct Generated {
  std::string request;
  std::string id;
};
std::vector<Generated> request_set(const std::string& tag, std::size_t count) {
  static constexpr const char* kMethods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE"};
  static constexpr const char* kHosts[] = {"www.test", "api.test", "old.test", "static.test", "WWW.TEST"};
  static constexpr const char* kPaths[] = {
      "/",           "/index.html", "/api/users", "/v1/items?x=1",  "/static/app.js",      "/img/a.png",
      "/old/page",   "/ping",       "/x.php",     "/index.php?a=b", "/search?debug=1&q=2", "/a%20b",
      "/deep/path/", "/api/",       "/v1/",       "/STATIC/x",      "/search?q=debug"};
  static constexpr const char* kExtras[] = {"X-Secret: s3cret\r\n", "X-Custom: v\r\n", "Cookie: c=1\r\n",
                                            "X-Forwarded-For: 198.51.100.7\r\n", ""};
  std::vector<Generated> out;
  std::uint32_t seed = 12345;
  const auto next = [&seed](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) % n;
  };
  for (std::size_t i = 0; i < count; ++i) {
    const std::string method = kMethods[next(std::size(kMethods))];
    const std::string id = fmt::format("{}-{}", tag, i);
    std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nX-Req: {}\r\n", method,
                                      kPaths[next(std::size(kPaths))], kHosts[next(std::size(kHosts))], id);
    request += kExtras[next(std::size(kExtras))];
    request += kExtras[next(std::size(kExtras))];
    const bool body = method == "POST" || method == "PUT";
    const auto payload = fmt::format("body-{}", i);
    if (body) request += fmt::format("Content-Type: text/plain\r\nContent-Length: {}\r\n", payload.size());
    request += "Connection: close\r\n\r\n";
    if (body) request += payload;
    out.push_back({request, id});
  }
  return out;
}

// What the servers of <side> received for request <id>: the request line and
// the headers rules touch.
std::map<std::string, std::string> received(const Side& side, const std::string& tag) {
  std::map<std::string, std::string> out;
  for (const auto* server : {&side.a, &side.b, &side.c}) {
    for (const auto& r : server->requests()) {
      const auto id = r.header("X-Req");
      if (!id.starts_with(tag + "-")) continue;
      out[id.substr(tag.size() + 1)] =
          fmt::format("{} | {} | xff={} debug={} secret={} method={} custom={} body={}", server->name(),
                      r.request_line(), r.header("X-Forwarded-For"), r.header("X-Debug"), r.header("X-Secret"),
                      r.header("X-Method"), r.header("X-Custom"), r.body);
    }
  }
  return out;
}

constexpr std::size_t kRequests = 300;

// Everything one side is put through, in order.
struct Run {
  std::vector<Seen> generated, keep_alive, malformed, after_down;
};

Run drive(Side& side) {
  Run run;
  for (const auto& g : request_set(side.tag, kRequests)) run.generated.push_back(send_one(side, g.request));
  // Keep-alive: one client connection, several requests (curl reuses it).
  testing::HttpClient client;
  for (const auto* path : {"/", "/api/x", "/", "/static/s.css", "/", "/ping", "/"}) {
    const auto r = client.get(fmt::format("http://{}{}", side.endpoint(), path));
    run.keep_alive.push_back({static_cast<int>(r.status), r.header("X-Served-By"), r.header("Location"),
                              r.header("X-Api"), r.header("X-Frontend"), ""});
  }
  // Malformed requests: rejected alike.
  for (const auto* bad :
       {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", "GET / HTTP/1.1\r\nHo st: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"}) {
    auto s = send_one(side, bad);
    s.body.clear();  // error pages may word it differently
    run.malformed.push_back(s);
  }
  // A server goes down: once the checks see it (200 ms), every request of
  // the web backend goes to the other one.
  side.b.stop();
  std::this_thread::sleep_for(1500ms);
  for (int i = 0; i < 6; ++i) {
    run.after_down.push_back(send_one(side, "GET / HTTP/1.1\r\nHost: www.test\r\nConnection: close\r\n\r\n"));
  }
  return run;
}

}  // namespace

TEST_CASE("HAProxy 2.6 and proxyd on the same haproxy.cfg: a few hundred requests, the same answers",
          "[proxyd][compat]") {
  if (std::system("command -v haproxy >/dev/null 2>&1") != 0) {
    WARN("haproxy not installed (scripts/install-deps.sh installs it): skipped");
    return;
  }
  testing::TempDir dir;
  const auto cfg = dir.write("haproxy.cfg", kConfig);
  Side theirs;
  theirs.tag = "h";
  Side ours;
  ours.tag = "p";
  auto haproxy_argv = theirs.env();
  haproxy_argv.insert(haproxy_argv.end(), {"haproxy", "-db", "-f", cfg});
  auto proxyd_argv = ours.env();
  proxyd_argv.insert(proxyd_argv.end(), {std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", cfg});
  theirs.proxy = std::make_unique<testing::DaemonRunner>(haproxy_argv, dir.file("haproxy.log"));
  ours.proxy = std::make_unique<testing::DaemonRunner>(proxyd_argv, dir.file("proxyd.log"));
  REQUIRE(ours.proxy->wait_for_log("started", 10s));
  REQUIRE(testing::eventually([&] { return testing::TcpClient::connect(theirs.endpoint()).has_value(); }, 10s));
  std::this_thread::sleep_for(500ms);  // the first checks

  const auto expected = drive(theirs);
  const auto got = drive(ours);
  INFO("proxyd:\n" << ours.proxy->log().substr(0, 4000));
  std::size_t differences = 0;
  for (std::size_t i = 0; i < kRequests; ++i) {
    if (got.generated[i] == expected.generated[i]) continue;
    if (++differences <= 10) {
      UNSCOPED_INFO("request " << i << ":\n"
                               << request_set("p", kRequests)[i].request << "HAProxy: " << expected.generated[i]
                               << "\nproxyd:  " << got.generated[i]);
    }
  }
  CHECK(differences == 0);
  CHECK(got.keep_alive == expected.keep_alive);
  CHECK(got.malformed == expected.malformed);
  CHECK(got.after_down == expected.after_down);
  for (const auto& s : expected.after_down) CHECK(s.served_by == "a");

  // What the servers received, request by request.
  const auto their_servers = received(theirs, "h");
  const auto our_servers = received(ours, "p");
  CHECK(their_servers.size() > kRequests / 3);
  std::size_t server_differences = 0;
  for (const auto& [id, view] : their_servers) {
    const auto it = our_servers.find(id);
    const auto mine = it == our_servers.end() ? std::string("(not received)") : it->second;
    if (mine == view) continue;
    if (++server_differences <= 10)
      UNSCOPED_INFO("request " << id << ":\nHAProxy's server: " << view << "\nproxyd's:  " << mine);
  }
  CHECK(server_differences == 0);
  CHECK(our_servers.size() == their_servers.size());

  // The httplog fields of the generated requests (sorted: a line is
  // written when its connection ends, so the order may differ).
  std::this_thread::sleep_for(300ms);
  auto their_log = testing::httplog_fields(theirs.proxy->log());
  auto our_log = testing::httplog_fields(ours.proxy->log());
  REQUIRE(their_log.size() >= kRequests);
  REQUIRE(our_log.size() >= kRequests);
  their_log.resize(kRequests);
  our_log.resize(kRequests);
  std::sort(their_log.begin(), their_log.end());
  std::sort(our_log.begin(), our_log.end());
  std::size_t log_differences = 0;
  for (std::size_t i = 0; i < kRequests; ++i) {
    if (our_log[i] == their_log[i]) continue;
    if (++log_differences <= 10)
      UNSCOPED_INFO("log line " << i << ":\nHAProxy: " << their_log[i] << "\nproxyd:  " << our_log[i]);
  }
  CHECK(log_differences == 0);
}
