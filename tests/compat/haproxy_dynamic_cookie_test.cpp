// Dynamic cookies beside HAProxy 2.6: one haproxy.cfg (`cookie SRV insert
// dynamic` with `dynamic-cookie-key`) run by HAProxy and by proxyd in front
// of the same two servers. Both must give each server the same cookie, so a
// client that got its cookie from HAProxy keeps its server through proxyd
// (a migration, or a mixed pair), and the other way round.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/http_head.h"
#include "support/netns_lab.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;

namespace {

constexpr const char* kConfig = R"(# written for this test
global
    log stderr format raw local0 info

defaults
    mode http
    timeout connect 2s
    timeout client 5s
    timeout server 5s

frontend www
    bind "127.0.0.1:${PORT}"
    default_backend app

backend app
    balance roundrobin
    dynamic-cookie-key s3cret-key
    cookie SRV insert indirect nocache dynamic
    server a "127.0.0.1:${WEB_A}"
    server b "127.0.0.1:${WEB_B}"
)";

struct Answer {
  std::string served_by;
  std::string cookie;  // the SRV value of Set-Cookie, if any
};

using testing::header_of;

Answer ask(std::uint16_t port, const std::string& cookie = "") {
  auto client = testing::TcpClient::connect(fmt::format("127.0.0.1:{}", port));
  REQUIRE(client);
  const auto extra = cookie.empty() ? std::string() : "Cookie: SRV=" + cookie + "\r\n";
  REQUIRE(client->send_all(fmt::format("GET / HTTP/1.1\r\nHost: t\r\n{}Connection: close\r\n\r\n", extra)));
  const auto reply = client->read_to_end().value_or("");
  const auto head = reply.substr(0, reply.find("\r\n\r\n"));
  auto set = header_of(head, "Set-Cookie");
  if (set.starts_with("SRV=")) set = set.substr(4, set.find(';') - 4);
  return {header_of(head, "X-Served-By"), set};
}

// Each server's cookie, as <port>'s proxy hands it out.
std::map<std::string, std::string> cookies(std::uint16_t port) {
  std::map<std::string, std::string> out;
  for (int i = 0; i < 4; ++i) {
    const auto a = ask(port);
    if (!a.cookie.empty()) out[a.served_by] = a.cookie;
  }
  return out;
}

}  // namespace

TEST_CASE("HAProxy 2.6 and proxyd give each server the same dynamic cookie", "[proxyd][compat]") {
  if (std::system("command -v haproxy >/dev/null 2>&1") != 0) {
    WARN("haproxy not installed (scripts/install-deps.sh installs it): skipped");
    return;
  }
  testing::TempDir dir;
  const auto cfg = dir.write("haproxy.cfg", kConfig);
  testing::HttpBackend a{"a"};
  testing::HttpBackend b{"b"};
  const auto theirs = testing::free_port();
  const auto ours = testing::free_port();
  const auto env = [&](std::uint16_t port) {
    return std::vector<std::string>{"env", fmt::format("PORT={}", port), fmt::format("WEB_A={}", a.port()),
                                    fmt::format("WEB_B={}", b.port())};
  };
  auto haproxy_argv = env(theirs);
  haproxy_argv.insert(haproxy_argv.end(), {"haproxy", "-db", "-f", cfg});
  auto proxyd_argv = env(ours);
  proxyd_argv.insert(proxyd_argv.end(), {std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", cfg});
  testing::DaemonRunner haproxy(haproxy_argv, dir.file("haproxy.log"));
  testing::DaemonRunner proxyd(proxyd_argv, dir.file("proxyd.log"));
  REQUIRE(proxyd.wait_for_log("started", 10s));
  REQUIRE(testing::eventually(
      [&] {
        return testing::run({"sh", "-c", fmt::format("ss -Hltn 'sport = :{}' | grep -q LISTEN", theirs)}).exit_code ==
               0;
      },
      10s));
  INFO("proxyd:\n" << proxyd.log());

  const auto haproxy_cookies = cookies(theirs);
  const auto proxyd_cookies = cookies(ours);
  REQUIRE(haproxy_cookies.size() == 2);
  CHECK(proxyd_cookies == haproxy_cookies);
  CHECK(haproxy_cookies.at("a").size() == 16);
  // HAProxy's cookie keeps its server through proxyd, and proxyd's through HAProxy.
  for (const auto& [server, cookie] : haproxy_cookies) {
    for (int i = 0; i < 3; ++i) {
      CHECK(ask(ours, cookie).served_by == server);
      CHECK(ask(theirs, cookie).served_by == server);
      CHECK(ask(ours, cookie).cookie.empty());  // known cookie: none inserted again
    }
  }
}
