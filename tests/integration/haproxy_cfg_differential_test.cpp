// One haproxy.cfg, two proxies: HAProxy 2.6 and proxyd read the same file
// (only the port differs, through "${PORT}"), serve the same requests from
// the same backends, and must agree on the status, the server that
// answered, the headers the rules add, redirects, and the fields of the
// httplog lines.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/httplog_fields.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;

namespace {

// What each side did with one request.
struct Outcome {
  long status = 0;
  std::string served_by;  // X-Served-By
  std::string location;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& o) {
  return out << o.status << " " << o.served_by << " " << o.location;
}

constexpr const char* kConfig = R"(# written for this test: the constructs tutorials use
global
    log stderr format raw local0 info
    maxconn 1000

defaults
    mode http
    log global
    option httplog
    timeout connect 2s
    timeout client 5000
    timeout server 5s

frontend www
    bind "127.0.0.1:${PORT}"
    acl is_api path_beg /api/
    acl secure hdr(host) -i secure.test
    http-request deny deny_status 403 if { path_beg /admin }
    http-request set-header X-Via proxy
    http-request redirect scheme https code 301 if secure
    use_backend api if is_api
    default_backend web

frontend routes_only
    bind "127.0.0.1:${PORT2}"
    use_backend api if { path_beg /api/ }

backend web
    balance roundrobin
    server a "127.0.0.1:${WEB_A}"
    server b "127.0.0.1:${WEB_B}"

backend api
    http-response set-header X-Api yes
    server a "127.0.0.1:${WEB_A}"
)";

struct Side {
  std::uint16_t port = testing::free_port();
  std::uint16_t port2 = testing::free_port();
};

std::vector<Outcome> drive(const Side& side) {
  testing::HttpClient client;
  std::vector<Outcome> out;
  const auto base = fmt::format("http://127.0.0.1:{}", side.port);
  for (const auto* path : {"/", "/", "/", "/api/x", "/admin/x", "/"}) {
    const auto r = client.get(base + path);
    out.push_back({r.status, r.header("X-Served-By") + "|" + r.header("X-Api"), r.header("Location")});
  }
  testing::HttpOptions secure;
  secure.headers = {"Host: secure.test"};
  const auto r = testing::HttpClient(secure).get(base + "/login?x=1");
  out.push_back({r.status, r.header("X-Served-By"), r.header("Location")});
  for (const auto* path : {"/api/y", "/other"}) {
    const auto o = testing::HttpClient().get(fmt::format("http://127.0.0.1:{}{}", side.port2, path));
    out.push_back({o.status, o.header("X-Served-By"), o.header("Location")});
  }
  return out;
}

}  // namespace

TEST_CASE("the same haproxy.cfg in HAProxy and in proxyd: same answers, same servers, same log fields",
          "[proxyd][compat]") {
  if (std::system("command -v haproxy >/dev/null 2>&1") != 0) {
    WARN("haproxy not installed (scripts/install-deps.sh installs it): skipped");
    return;
  }
  testing::HttpBackend a("a");
  testing::HttpBackend b("b");
  testing::TempDir dir;
  const auto cfg = dir.write("haproxy.cfg", kConfig);
  const auto env = [&](const Side& s) {
    return std::vector<std::string>{"env", fmt::format("PORT={}", s.port), fmt::format("PORT2={}", s.port2),
                                    fmt::format("WEB_A={}", a.port()), fmt::format("WEB_B={}", b.port())};
  };
  const Side theirs;
  const Side ours;
  auto haproxy_argv = env(theirs);
  haproxy_argv.insert(haproxy_argv.end(), {"haproxy", "-db", "-f", cfg});
  auto proxyd_argv = env(ours);
  proxyd_argv.insert(proxyd_argv.end(), {std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", cfg});
  testing::DaemonRunner haproxy(haproxy_argv, dir.file("haproxy.log"));
  testing::DaemonRunner proxyd(proxyd_argv, dir.file("proxyd.log"));
  REQUIRE(proxyd.wait_for_log("started", 10s));
  REQUIRE(testing::eventually(
      [&] { return testing::TcpClient::connect(fmt::format("127.0.0.1:{}", theirs.port)).has_value(); }, 10s));

  const auto expected = drive(theirs);
  const auto got = drive(ours);
  INFO("proxyd:\n" << proxyd.log() << "\nhaproxy:\n" << haproxy.log());
  CHECK(got == expected);
  CHECK(expected[0].served_by != expected[1].served_by);  // round robin really alternated
  CHECK(expected[4].status == 403);
  CHECK(expected[6].status == 301);
  CHECK(expected[8].status == 503);  // no default backend: HAProxy's 503
  // The servers saw the rule's header from both.
  std::size_t via = 0;
  for (const auto& r : a.requests()) via += r.header("X-Via") == "proxy" ? 1u : 0u;
  for (const auto& r : b.requests()) via += r.header("X-Via") == "proxy" ? 1u : 0u;
  CHECK(via == a.request_count() + b.request_count() - 2);  // all but the second frontend's /api/y (no rule there)
  std::this_thread::sleep_for(300ms);                       // the last log lines
  const auto their_log = testing::httplog_fields(haproxy.log());
  const auto our_log = testing::httplog_fields(proxyd.log());
  CHECK(their_log.size() == expected.size());
  CHECK(our_log == their_log);
}
