// HAProxy 2.6 and proxyd on one haproxy.cfg that serves its stats page from
// the proxies that forward traffic (stats in defaults, in a backend with
// auth), Prometheus metrics by `http-request use-service
// prometheus-exporter`, monitor-uri (answered, not logged), an empty
// connection (logged as a 400 <BADREQ> without dontlognull), and a mode tcp
// frontend that routes on the request's path to mode http backends (HAProxy
// turns such connections into HTTP; with an inspect-delay and a content
// rule waiting for HTTP, as operators write it: without them HAProxy routes
// on whatever bytes arrived, if any, which proxyd does not imitate). The same requests go to both; compared: the
// status, the server that answered, whether a body came, the CSV header row, and the log's frontend, backend/server and
// status. Intended differences (tests/compat/README.md) are asserted as such.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/http_head.h"
#include "support/httplog_fields.h"
#include "support/netns_lab.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;

namespace {

constexpr const char* kConfig = R"(# written for this test: stats where operators' files put it
global
    log stderr format raw local0 info

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s
    stats enable
    stats uri /st
    stats refresh 10s
    monitor-uri /alive

frontend www
    bind "127.0.0.1:${PORT}"
    http-request use-service prometheus-exporter if { path /metrics }
    use_backend guarded if { path_beg /b }
    default_backend web

backend web
    server a "127.0.0.1:${WEB_A}"

backend guarded
    stats uri /bst
    stats auth ops:secret
    stats realm Ops\ Only
    server b "127.0.0.1:${WEB_B}"

defaults tcpside
    log global
    option httplog
    timeout connect 2s
    timeout client 5s
    timeout server 5s

frontend raw from tcpside
    bind "127.0.0.1:${RAW_PORT}"
    tcp-request inspect-delay 5s
    tcp-request content accept if HTTP
    acl is_static path_beg /static
    use_backend files if is_static
    default_backend app

backend files from tcpside
    mode http
    server c "127.0.0.1:${WEB_C}"

backend app from tcpside
    mode http
    server a "127.0.0.1:${WEB_A}"
)";

struct Side {
  testing::HttpBackend a{"a"};
  testing::HttpBackend b{"b"};
  testing::HttpBackend c{"c"};
  std::uint16_t port = testing::free_port();
  std::uint16_t raw_port = testing::free_port();
  std::unique_ptr<testing::DaemonRunner> proxy;

  std::vector<std::string> env() const {
    return {"env",
            fmt::format("PORT={}", port),
            fmt::format("RAW_PORT={}", raw_port),
            fmt::format("WEB_A={}", a.port()),
            fmt::format("WEB_B={}", b.port()),
            fmt::format("WEB_C={}", c.port())};
  }
};

struct Seen {
  int status = 0;
  std::string served_by;
  bool body = false;
  std::string first_line;  // of the body: the CSV header row's first columns
  std::string www_authenticate;
  bool operator==(const Seen&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Seen& s) {
  return out << s.status << " by=" << s.served_by << " body=" << s.body << " first=" << s.first_line
             << " auth=" << s.www_authenticate;
}

using testing::header_of;

// The first 8 columns of a CSV body's header row (chunked from HAProxy):
// HAProxy's CSV has columns proxyd's has not after those (proxyd/README.md).
std::string csv_columns(std::string body, bool chunked) {
  if (chunked) body = body.substr(body.find("\r\n") + 2);
  auto line = body.substr(0, body.find('\n'));
  std::size_t at = 0;
  for (int i = 0; i < 8 && at != std::string::npos; ++i) at = line.find(',', at + 1);
  return line.substr(0, at);
}

Seen send_one(std::uint16_t port, const std::string& method, const std::string& target, const std::string& extra = "") {
  auto client = testing::TcpClient::connect(fmt::format("127.0.0.1:{}", port));
  REQUIRE(client);
  REQUIRE(client->send_all(
      fmt::format("{} {} HTTP/1.1\r\nHost: lb.test\r\n{}Connection: close\r\n\r\n", method, target, extra)));
  const auto reply = client->read_to_end().value_or("");
  Seen s;
  if (reply.size() > 12 && reply.starts_with("HTTP/1.")) s.status = std::stoi(reply.substr(9, 3));
  const auto end = reply.find("\r\n\r\n");
  const auto head = reply.substr(0, end);
  s.served_by = header_of(head, "X-Served-By");
  s.www_authenticate = header_of(head, "WWW-Authenticate");
  s.body = end != std::string::npos && reply.size() > end + 4;
  if (s.body && target.find(";csv") != std::string::npos) {
    s.first_line = csv_columns(reply.substr(end + 4), header_of(head, "Transfer-Encoding") == "chunked");
  }
  return s;
}

struct Probe {
  std::string method, target, extra;
  bool raw = false;  // to the mode tcp frontend
};

// "ops:secret" in base64.
const std::string kAuth = "Authorization: Basic b3BzOnNlY3JldA==\r\n";

const std::vector<Probe> kProbes = {
    {"GET", "/st", ""},         {"GET", "/st;csv", ""},     {"HEAD", "/st", ""},    {"GET", "/stx?a=1", ""},
    {"GET", "/metrics", ""},    {"GET", "/alive", ""},      {"GET", "/", ""},       {"GET", "/b/page", ""},
    {"GET", "/bst", ""},        {"GET", "/bst;csv", kAuth}, {"GET", "/bst", kAuth}, {"GET", "/static/x.css", "", true},
    {"GET", "/page", "", true}, {"GET", "/st", "", true},
};

std::vector<Seen> drive(const Side& side) {
  std::vector<Seen> out;
  // An empty connection: logged (no dontlognull) as HAProxy does.
  REQUIRE(testing::TcpClient::connect(fmt::format("127.0.0.1:{}", side.port)));
  for (const auto& p : kProbes) out.push_back(send_one(p.raw ? side.raw_port : side.port, p.method, p.target, p.extra));
  return out;
}

// "frontend backend/server" of each log line, httplog or tcplog, in order.
std::vector<std::string> log_routes(const std::string& log) {
  static const std::regex kLine(R"(\] (\S+) (\S+/\S+) )");
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kLine)) out.push_back(m[1].str() + " " + m[2].str());
  }
  return out;
}

}  // namespace

TEST_CASE("HAProxy 2.6 and proxyd: stats inside proxies, prometheus-exporter, monitor-uri, a tcp frontend to http",
          "[proxyd][compat]") {
  if (std::system("command -v haproxy >/dev/null 2>&1") != 0) {
    WARN("haproxy not installed (scripts/install-deps.sh installs it): skipped");
    return;
  }
  testing::TempDir dir;
  const auto cfg = dir.write("haproxy.cfg", kConfig);
  Side theirs;
  Side ours;
  auto haproxy_argv = theirs.env();
  haproxy_argv.insert(haproxy_argv.end(), {"haproxy", "-db", "-f", cfg});
  auto proxyd_argv = ours.env();
  proxyd_argv.insert(proxyd_argv.end(), {std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", cfg});
  theirs.proxy = std::make_unique<testing::DaemonRunner>(haproxy_argv, dir.file("haproxy.log"));
  ours.proxy = std::make_unique<testing::DaemonRunner>(proxyd_argv, dir.file("proxyd.log"));
  REQUIRE(ours.proxy->wait_for_log("started", 10s));
  // HAProxy is up once its port listens (a probe connection would be logged).
  REQUIRE(testing::eventually(
      [&] {
        return testing::run({"sh", "-c", fmt::format("ss -Hltn 'sport = :{}' | grep -q LISTEN", theirs.port)})
                   .exit_code == 0;
      },
      10s));

  const auto expected = drive(theirs);
  const auto got = drive(ours);
  INFO("proxyd:\n" << ours.proxy->log().substr(0, 3000) << "\nHAProxy:\n" << theirs.proxy->log().substr(0, 3000));
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < kProbes.size(); ++i) {
    INFO(kProbes[i].method << " " << kProbes[i].target << (kProbes[i].raw ? " (tcp frontend)" : ""));
    auto mine = got[i];
    // Intended: the realm is proxyd's wording of the challenge, its value as configured.
    if (!expected[i].www_authenticate.empty()) {
      CHECK(mine.www_authenticate.starts_with("Basic realm=\"Ops Only\""));
      mine.www_authenticate = expected[i].www_authenticate;
    }
    CHECK(mine == expected[i]);
  }
  CHECK(expected[0].status == 200);  // the page, from the frontend (defaults' stats)
  CHECK(expected[8].status == 401);  // the backend's page wants its credentials
  CHECK(expected[10].status == 200);
  CHECK(expected[11].served_by == "c");  // the tcp frontend routed on the path

  std::this_thread::sleep_for(300ms);
  // Sorted: a line is written when its connection ends, so the empty
  // connection's may come after the next request's in either log.
  auto their_routes = log_routes(theirs.proxy->log());
  auto our_routes = log_routes(ours.proxy->log());
  std::sort(their_routes.begin(), their_routes.end());
  std::sort(our_routes.begin(), our_routes.end());
  CHECK(our_routes == their_routes);
  CHECK(std::find(our_routes.begin(), our_routes.end(), "www www/<STATS>") != our_routes.end());
  CHECK(std::find(our_routes.begin(), our_routes.end(), "www guarded/<STATS>") != our_routes.end());
  CHECK(std::find(our_routes.begin(), our_routes.end(), "www www/<PROMEX>") != our_routes.end());
  // The statuses logged, but for HAProxy's 400 for the 401 of its page's
  // challenge (it logs a status it did not send; proxyd logs the 401).
  auto their_log = testing::httplog_fields(theirs.proxy->log());
  auto our_log = testing::httplog_fields(ours.proxy->log());
  for (auto& line : their_log) {
    if (line.starts_with("www guarded/<STATS> 400 GET /bst")) line.replace(20, 3, "401");
  }
  std::sort(their_log.begin(), their_log.end());
  std::sort(our_log.begin(), our_log.end());
  CHECK(our_log == their_log);
}
