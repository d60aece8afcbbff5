// Servers given by name, resolved by a real DNS server (dnsmasq on
// loopback, tests/support/dns_server.h) while proxyd runs: address changes
// without reload under a steady client, NXDOMAIN into maintenance and back,
// init_addr none and last, the runtime API's view.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "proxyd/io/admin_client.h"
#include "support/daemon_runner.h"
#include "support/dns_server.h"
#include "support/http_backend.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;
using testing::DnsServer;
using testing::HttpBackend;
using testing::TcpClient;

namespace {

struct Proxy {
  testing::TempDir dir;
  std::uint16_t port = testing::free_port();
  std::unique_ptr<testing::DaemonRunner> daemon;

  std::string socket() const { return dir.file("admin.sock"); }
  // A [resolvers dns] section on <dns> with fast holds, then <body>.
  void start(const DnsServer& dns, const std::string& body, const std::string& resolvers = "") {
    const auto path = dir.write(
        "proxyd.ini",
        fmt::format("[global]\nlog = stderr\npidfile = {}\nadmin_socket = {}\nserver_state_file = {}\n"
                    "[defaults]\nmode = http\ntimeout_connect = 1s\ntimeout_client = 5s\ntimeout_server = 5s\n"
                    "[resolvers dns]\nnameserver = ns1 {}\nhold_valid = 100ms\ntimeout_resolve = 100ms\n"
                    "timeout_retry = 200ms\n{}"
                    "[frontend www]\nbind = 127.0.0.1:{}\nbackend = app\n{}",
                    dir.file("proxyd.pid"), socket(), dir.file("server-state"), dns.address(), resolvers, port, body));
    daemon = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", path}, dir.file("proxyd.log"));
    const bool started = daemon->wait_for_log("started", 10s);
    INFO(daemon->log());
    REQUIRE(started);
  }
  std::string admin(const std::string& command) const {
    auto answer = proxyd::io::admin_request(socket(), command);
    REQUIRE(answer);
    return *answer;
  }
  // Who answered a GET / ("a", "b") or the status line's code.
  std::string served_by() const {
    auto client = TcpClient::connect(fmt::format("127.0.0.1:{}", port));
    if (!client) return "<no connection>";
    if (!client->send_all("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")) return "<send>";
    const auto reply = client->read_to_end().value_or("<timeout>");
    const auto at = reply.find("X-Served-By: ");
    return at == std::string::npos ? reply.substr(9, 3) : reply.substr(at + 13, reply.find("\r\n", at) - at - 13);
  }
};

bool dns_missing() {
  if (DnsServer::available()) return false;
  WARN("dnsmasq not installed (scripts/install-deps.sh installs dnsmasq-base): skipped");
  return true;
}

}  // namespace

TEST_CASE("dns: a changed address applies without reload, under a steady client, with no failed request",
          "[proxyd][dns]") {
  if (dns_missing()) return;
  HttpBackend a("a", "127.0.0.2:0");
  HttpBackend b("b", fmt::format("127.0.0.3:{}", a.port()));
  DnsServer dns("127.0.0.2 web.test\n");
  Proxy p;
  p.start(dns, fmt::format("[backend app]\nserver = web web.test:{} resolvers=dns init_addr=none resolve_prefer=ipv4\n",
                           a.port()));
  REQUIRE(testing::eventually([&] { return p.served_by() == "a"; }, 5s));
  CHECK(p.admin("show servers state app").find("127.0.0.2 2 0 1 1") != std::string::npos);
  dns.set("127.0.0.3 web.test\n");
  // A steady client across the change: every request answered.
  int failed = 0;
  int sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline && sent < 2000) {
    const auto who = p.served_by();
    ++sent;
    if (who != "a" && who != "b") ++failed;
    if (who == "b") break;
  }
  INFO(p.daemon->log());
  CHECK(failed == 0);
  CHECK(p.served_by() == "b");
  CHECK(p.daemon->wait_for_log("app/web changed its IP from 127.0.0.2 to 127.0.0.3 by DNS cache.", 2s));
  const auto state = p.admin("show servers state app");
  CHECK(state.find("srv_fqdn srv_addr_source") != std::string::npos);
  CHECK(state.find("127.0.0.3 2 0 1 1") != std::string::npos);
  CHECK(state.find(" web.test DNS\n") != std::string::npos);
  CHECK(p.admin("show resolvers").find("web.test: ") != std::string::npos);
}

TEST_CASE("dns: NXDOMAIN past hold_nx puts the server in maintenance, the name coming back ends it", "[proxyd][dns]") {
  if (dns_missing()) return;
  HttpBackend a("a", "127.0.0.2:0");
  DnsServer dns("127.0.0.2 web.test\n");
  Proxy p;
  p.start(dns,
          fmt::format("[backend app]\nserver = web web.test:{} resolvers=dns init_addr=none resolve_prefer=ipv4\n",
                      a.port()),
          "hold_nx = 1s\n");
  REQUIRE(testing::eventually([&] { return p.served_by() == "a"; }, 5s));
  dns.set("127.0.0.9 other.test\n");
  // Held for hold_nx: the last address still serves.
  CHECK(p.served_by() == "a");
  INFO(p.daemon->log());
  REQUIRE(
      p.daemon->wait_for_log("Server app/web is going DOWN for maintenance (DNS NX status). 0 active and 0 backup "
                             "servers left.",
                             5s));
  CHECK(p.daemon->wait_for_log("backend app has no server available!", 1s));
  CHECK(p.served_by() == "503");
  CHECK(p.admin("show servers state app").find("127.0.0.2 2 32 ") != std::string::npos);  // RMAINT
  dns.set("127.0.0.2 web.test\n");
  CHECK(p.daemon->wait_for_log("Server app/web ('web.test') is UP/READY (resolves again).", 5s));
  CHECK(testing::eventually([&] { return p.served_by() == "a"; }, 2s));
}

TEST_CASE("dns: init_addr none starts without the name, last restarts with the address DNS gave", "[proxyd][dns]") {
  if (dns_missing()) return;
  HttpBackend a("a", "127.0.0.2:0");
  DnsServer dns("127.0.0.9 other.test\n");
  testing::TempDir state_dir;
  Proxy p;
  const auto backend = fmt::format(
      "[backend app]\nserver = web web.test:{} resolvers=dns init_addr=last,none resolve_prefer=ipv4\n", a.port());
  p.start(dns, backend);
  CHECK(p.served_by() == "503");  // in maintenance: no address yet
  CHECK(p.admin("show servers state app").find(" web.test none\n") != std::string::npos);
  dns.set("127.0.0.2 web.test\n");
  INFO(p.daemon->log());
  REQUIRE(p.daemon->wait_for_log("Server app/web ('web.test') is UP/READY (resolves again).", 5s));
  CHECK(testing::eventually([&] { return p.served_by() == "a"; }, 2s));
  std::ifstream in(p.dir.file("server-state"));
  std::stringstream saved;
  saved << in.rdbuf();
  CHECK(saved.str().find("app web web.test 127.0.0.2\n") != std::string::npos);

  // A restart while the name does not resolve: `last` gives it its address at once.
  p.daemon->signal(SIGTERM);
  REQUIRE(p.daemon->wait_exit(10s));
  dns.set("127.0.0.9 other.test\n");
  p.start(dns, backend, "hold_nx = 30s\n");
  CHECK(p.served_by() == "a");
  CHECK(p.admin("show servers state app").find(" web.test last\n") != std::string::npos);
}

TEST_CASE("dns: set server addr moves a server at once; init_addr libc reads /etc/hosts", "[proxyd][dns]") {
  if (dns_missing()) return;
  HttpBackend a("a", "127.0.0.1:0");
  HttpBackend b("b", fmt::format("127.0.0.3:{}", a.port()));
  DnsServer dns("");
  Proxy p;
  // localhost comes from /etc/hosts through getaddrinfo (no DNS query leaves the host).
  p.start(dns, fmt::format("[backend app]\nserver = web localhost:{} resolve_prefer=ipv4\n", a.port()));
  CHECK(p.served_by() == "a");
  CHECK(p.admin("show servers state app").find(" localhost libc\n") != std::string::npos);
  CHECK(p.admin("set server app/web addr 127.0.0.3").empty());
  CHECK(p.served_by() == "b");
  CHECK(p.daemon->wait_for_log("app/web changed its IP from 127.0.0.1:", 2s));
  CHECK(p.admin("set server app/web addr 127.0.0.300").starts_with("error: expected an IP address"));
  CHECK(p.admin("show servers state app").find(" localhost CLI\n") != std::string::npos);
}

TEST_CASE("dns: a server_template follows the replicas DNS lists, 2 then 3, without reload", "[proxyd][dns]") {
  if (dns_missing()) return;
  HttpBackend a("a", "127.0.0.2:0");
  HttpBackend b("b", fmt::format("127.0.0.3:{}", a.port()));
  HttpBackend c("c", fmt::format("127.0.0.4:{}", a.port()));
  DnsServer dns("127.0.0.2 web.test\n127.0.0.3 web.test\n");
  Proxy p;
  p.start(dns, fmt::format("[backend app]\nserver_template = web 3 web.test:{} resolvers=dns resolve_prefer=ipv4\n",
                           a.port()));
  REQUIRE(testing::eventually([&] { return p.admin("show servers state app").find("127.0.0.3") != std::string::npos; },
                              5s));
  // Two replicas: the third slot waits in maintenance.
  const auto state = p.admin("show servers state app");
  INFO(state);
  CHECK(state.find(" web3 ") != std::string::npos);
  CHECK(state.find("127.0.0.4") == std::string::npos);
  dns.set("127.0.0.2 web.test\n127.0.0.3 web.test\n127.0.0.4 web.test\n");
  // The third replica gets traffic within a resolution cycle or two.
  CHECK(testing::eventually([&] { return p.served_by() == "c"; }, 5s));
  std::set<std::string> seen;
  for (int i = 0; i < 12; ++i) seen.insert(p.served_by());
  CHECK(seen == std::set<std::string>{"a", "b", "c"});
  INFO(p.daemon->log());
  CHECK(p.daemon->log().find("Server app/web3 ('web.test') is UP/READY (resolves again).") != std::string::npos);
}

TEST_CASE("dns: an SRV name fills server_template slots with its ports and weights; lower priority only",
          "[proxyd][dns]") {
  if (dns_missing()) return;
  HttpBackend a("a");
  HttpBackend b("b");
  HttpBackend c("c");  // only in a record of a worse priority: never used
  DnsServer dns("127.0.0.1 node1.test\n", {fmt::format("_app._tcp.svc.test,node1.test,{},0,256", a.port()),
                                           fmt::format("_app._tcp.svc.test,node1.test,{},0,768", b.port()),
                                           fmt::format("_app._tcp.svc.test,node1.test,{},1,10", c.port())});
  Proxy p;
  p.start(dns, "[backend app]\nserver_template = srv 3 _app._tcp.svc.test resolvers=dns resolve_prefer=ipv4\n");
  INFO(p.daemon->log() << p.admin("show servers state app") << p.admin("show resolvers"));
  REQUIRE(testing::eventually(
      [&] {
        const auto state = p.admin("show servers state app");
        return state.find(fmt::format(" {} ", a.port())) != std::string::npos &&
               state.find(fmt::format(" {} ", b.port())) != std::string::npos;
      },
      5s));
  std::map<std::string, int> served;
  for (int i = 0; i < 30; ++i) ++served[p.served_by()];
  INFO(p.daemon->log() << p.admin("show servers state app"));
  CHECK(served["a"] == 10);  // SRV weights 256 and 768 are HAProxy's 2 and 4: a third
  CHECK(served["b"] == 20);
  CHECK(served.count("c") == 0);
  CHECK(p.daemon->log().find("weight changed from 1 to 4 (SRV record)") != std::string::npos);
}
