// Binds and servers on Unix sockets (`unix@PATH`), beside HAProxy on the
// same traffic: the socket file's mode, the log's "unix:1" client, no
// X-Forwarded-For and "PROXY UNKNOWN" for a client without an IP address.
#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/proxyd_runner.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;

namespace {

bool have_haproxy() {
  return std::system("command -v haproxy >/dev/null 2>&1") == 0;
}

unsigned file_mode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  REQUIRE(S_ISSOCK(st.st_mode));
  return st.st_mode & 07777;
}

testing::HttpReply get_through(const std::string& socket) {
  testing::HttpOptions options;
  options.unix_socket = socket;
  testing::HttpClient client(options);
  return client.get("http://unix.test/hello");
}

}  // namespace

TEST_CASE("HTTP through a unix@ bind to a unix@ server, beside HAProxy: same log client, no X-Forwarded-For",
          "[proxyd]") {
  testing::TempDir sockets;
  testing::HttpBackend app("app", "unix@" + sockets.file("app.sock"));
  testing::ProxydRunner p;
  // A stale socket file of an earlier run is replaced, not an error.
  { auto stale = testing::listen_on("unix@" + sockets.file("www.sock")); }
  p.start(fmt::format("[listen www]\nbind = unix@{0} mode=600\nbind = 127.0.0.1:{{port}}\nforwardfor = true\n"
                      "server = app unix@{1}\n",
                      sockets.file("www.sock"), sockets.file("app.sock")),
          "mode = http\n");
  CHECK(file_mode(sockets.file("www.sock")) == 0600);
  const auto reply = get_through(sockets.file("www.sock"));
  INFO(reply.error << p.log());
  CHECK(reply.status == 200);
  CHECK(reply.body == "app\n");
  CHECK(testing::HttpClient().get(fmt::format("http://{}/tcp", p.endpoint())).status == 200);
  REQUIRE(app.request_count() == 2);
  CHECK(app.requests()[0].header("X-Forwarded-For").empty());
  CHECK(app.requests()[1].header("X-Forwarded-For") == "127.0.0.1");
  CHECK(p.wait_for_log("unix:1 [", 2s));
  CHECK(p.log().find("GET /hello HTTP/1.1") != std::string::npos);

  if (!have_haproxy()) {
    WARN("haproxy not installed (scripts/install-deps.sh installs it): the differential half is skipped");
    return;
  }
  testing::TempDir h;
  const auto cfg = h.write(
      "haproxy.cfg", fmt::format("global\n  log stderr format raw local0\ndefaults\n  mode http\n  log global\n"
                                 "  option httplog\n  option forwardfor\n  timeout connect 1s\n  timeout client 5s\n"
                                 "  timeout server 5s\nlisten www\n  bind unix@{0} mode 600\n  server app unix@{1}\n",
                                 h.file("www.sock"), sockets.file("app.sock")));
  testing::DaemonRunner haproxy({"haproxy", "-db", "-f", cfg}, h.file("haproxy.log"));
  REQUIRE(testing::eventually([&] { return std::filesystem::exists(h.file("www.sock")); }, 5s));
  CHECK(file_mode(h.file("www.sock")) == 0600);
  CHECK(get_through(h.file("www.sock")).status == 200);
  INFO(haproxy.log());
  CHECK(haproxy.wait_for_log("unix:1 [", 2s));
  REQUIRE(app.request_count() == 3);
  CHECK(app.requests()[2].header("X-Forwarded-For").empty());
}

TEST_CASE("TCP through a unix@ bind: send_proxy says PROXY UNKNOWN, as HAProxy, checks reach a unix@ server",
          "[proxyd]") {
  testing::TempDir sockets;
  testing::TcpBackend server("beta");
  server.expect_proxy_v1(true);
  testing::TcpBackend checked("checked", "unix@" + sockets.file("checked.sock"));
  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen www]\nbind = unix@{0}\nserver = s {1} send_proxy=v1\n"
                  "[listen checks]\nbind = 127.0.0.1:{{port}}\ncheck = tcp\ncheck_interval = 200ms\nrise = 1\n"
                  "fall = 1\nserver = c unix@{2}\n",
                  sockets.file("www.sock"), server.endpoint(), sockets.file("checked.sock")));
  auto client = testing::TcpClient::connect("unix@" + sockets.file("www.sock"));
  REQUIRE(client);
  CHECK(client->read_line() == "beta");
  CHECK(testing::who_serves(p.endpoint()) == "checked");
  checked.stop();
  CHECK(p.wait_for_log("Server checks/c is DOWN, reason: Layer4 connection problem", 5s));
  client.reset();
  REQUIRE(server.proxy_lines().size() == 1);
  CHECK(server.proxy_lines()[0] == "PROXY UNKNOWN\r\n");

  if (!have_haproxy()) return;
  testing::TempDir h;
  const auto cfg = h.write("haproxy.cfg",
                           fmt::format("defaults\n  mode tcp\n  timeout connect 1s\n  timeout client 5s\n"
                                       "  timeout server 5s\nlisten www\n  bind unix@{0}\n  server s {1} send-proxy\n",
                                       h.file("www.sock"), server.endpoint()));
  testing::DaemonRunner haproxy({"haproxy", "-db", "-f", cfg}, h.file("haproxy.log"));
  REQUIRE(testing::eventually([&] { return std::filesystem::exists(h.file("www.sock")); }, 5s));
  auto through_haproxy = testing::TcpClient::connect("unix@" + h.file("www.sock"));
  REQUIRE(through_haproxy);
  CHECK(through_haproxy->read_line() == "beta");
  REQUIRE(server.proxy_lines().size() == 2);
  CHECK(server.proxy_lines()[1] == server.proxy_lines()[0]);
}
