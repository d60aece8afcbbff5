// HAProxy's connection behaviour keys against real backends on loopback:
// option abortonclose (both modes) and a server's maxqueue.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <thread>

#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/proxyd_runner.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;
using testing::TcpClient;

namespace {

// Sends a GET of <path> on a new connection to <endpoint>; the connection
// is returned open (the test decides when to close or read it).
std::optional<TcpClient> send_get(const std::string& endpoint, const std::string& path,
                                  const std::string& extra_headers = "") {
  auto c = TcpClient::connect(endpoint);
  if (!c) return std::nullopt;
  if (!c->send_all(fmt::format("GET {} HTTP/1.1\r\nHost: t\r\n{}\r\n", path, extra_headers))) return std::nullopt;
  return c;
}

}  // namespace

TEST_CASE("abortonclose: a client that closes while queued is not served (CQ), without it, it is", "[proxyd]") {
  testing::HttpBackend a("a");
  testing::HttpBackend b("b");
  testing::ProxydRunner p;
  const auto other_port = testing::free_port();
  p.start(fmt::format("[listen aborting]\nbind = 127.0.0.1:{{port}}\nabortonclose = true\ntimeout_queue = 10s\n"
                      "server = a {} maxconn=1\n"
                      "[listen serving]\nbind = 127.0.0.1:{}\ntimeout_queue = 10s\nserver = b {} maxconn=1\n",
                      a.endpoint(), other_port, b.endpoint()),
          "mode = http\n");
  for (const auto& [endpoint, backend] :
       {std::pair{p.endpoint(), &a}, std::pair{fmt::format("127.0.0.1:{}", other_port), &b}}) {
    auto holder = send_get(endpoint, "/slow/800");  // takes the only slot
    REQUIRE(holder);
    std::this_thread::sleep_for(150ms);
    auto quitter = send_get(endpoint, "/quitter");  // queued, then the client half-closes
    REQUIRE(quitter);
    std::this_thread::sleep_for(100ms);
    quitter->shutdown_write();
    CHECK(holder->read_line() == "HTTP/1.1 200 OK\r");
    holder.reset();  // frees the slot (a kept-alive connection holds it)
    const auto answer = quitter->read_to_end();
    const bool served = answer && answer->find("200 OK") != std::string::npos;
    const bool aborting = backend == &a;
    INFO(p.log());
    CHECK(served == !aborting);
    std::this_thread::sleep_for(200ms);
    CHECK(backend->request_count() == (aborting ? 1U : 2U));
  }
  CHECK(p.wait_for_log("aborting aborting/<NOSRV>", 5s));
  CHECK(p.log().find(" CQ-- ") != std::string::npos);
}

TEST_CASE("abortonclose in mode tcp: a client gone while queued never reaches the server", "[proxyd]") {
  testing::TcpBackend a("a");
  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\nabortonclose = true\ntimeout_queue = 10s\n"
                  "server = a {} maxconn=1\n",
                  a.endpoint()));
  auto holder = TcpClient::connect(p.endpoint());
  REQUIRE(holder);
  REQUIRE(holder->read_line() == "a");
  auto quitter = TcpClient::connect(p.endpoint());
  REQUIRE(quitter);
  quitter->shutdown_write();
  CHECK(p.wait_for_log(" CQ ", 5s));
  holder->shutdown_write();
  (void)holder->read_to_end();
  std::this_thread::sleep_for(300ms);
  CHECK(a.accepted() == 1);  // the quitter never took the freed slot
}

TEST_CASE("maxqueue: requests beyond a full server's queue leave persistence for another server", "[proxyd]") {
  testing::HttpBackend a("a");
  testing::HttpBackend b("b");
  testing::ProxydRunner p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ntimeout_queue = 10s\ncookie = SRV insert indirect\n"
                      "server = a {} cookie=a maxconn=1 maxqueue=1\nserver = b {} cookie=b\n",
                      a.endpoint(), b.endpoint()),
          "mode = http\n");
  auto holder = send_get(p.endpoint(), "/slow/1000", "Cookie: SRV=a\r\n");  // a's only slot
  REQUIRE(holder);
  std::this_thread::sleep_for(150ms);
  auto waiting = send_get(p.endpoint(), "/waits-for-a", "Cookie: SRV=a\r\n");  // a's queue: 1 of 1
  REQUIRE(waiting);
  std::this_thread::sleep_for(150ms);
  testing::HttpClient client({.headers = {"Cookie: SRV=a"}});
  const auto overflow = client.get(fmt::format("http://{}/overflow", p.endpoint()));  // a's queue is full
  CHECK(overflow.status == 200);
  CHECK(overflow.header("X-Served-By") == "b");
  CHECK(holder->read_line() == "HTTP/1.1 200 OK\r");
  holder.reset();
  CHECK(waiting->read_line() == "HTTP/1.1 200 OK\r");  // kept its persistence: served by a
  const auto requests = a.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].request_line() == "GET /waits-for-a HTTP/1.1");
}

TEST_CASE("slowstart: a server back UP takes a share that grows to its weight, none at start", "[proxyd]") {
  auto a = std::make_unique<testing::TcpBackend>("a");
  const auto a_address = a->endpoint();
  testing::TcpBackend b("b");
  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ncheck = tcp\ncheck_interval = 100ms\nrise = 1\n"
                  "fall = 1\nserver = a {} slowstart=3s\nserver = b {}\n",
                  a_address, b.endpoint()));
  const auto count_a = [&](int n) {
    int served_by_a = 0;
    for (int i = 0; i < n; ++i) served_by_a += testing::who_serves(p.endpoint()) == "a" ? 1 : 0;
    return served_by_a;
  };
  CHECK(count_a(20) == 10);  // at start: full weight at once
  a->stop();
  REQUIRE(p.wait_for_log("Server www/a is DOWN", 5s));
  a = std::make_unique<testing::TcpBackend>("a", a_address);
  REQUIRE(p.wait_for_log("Server www/a is UP", 5s));
  const auto back = std::chrono::steady_clock::now();
  const int early = count_a(34);  // ~1/17 .. 2/18 of the picks in the first fraction of a second
  const bool measured_early = std::chrono::steady_clock::now() - back < 1s;
  std::this_thread::sleep_until(back + 3200ms);
  const int late = count_a(34);
  INFO("a served " << early << " of 34 just after coming back, " << late << " of 34 after the ramp");
  if (measured_early) CHECK((early >= 1 && early <= 8));
  CHECK((late >= 15 && late <= 19));
}

TEST_CASE("observe=layer7: 5xx responses in traffic mark a server DOWN, its checks bring it back", "[proxyd]") {
  testing::HttpBackend a("a");
  testing::HttpBackend b("b");
  a.set_health_status(503);  // a's /health is broken; its / (what the check asks) is fine
  testing::ProxydRunner p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ncheck = http GET /\ncheck_interval = 500ms\n"
                      "rise = 3\nfall = 3\nbalance = roundrobin\n"
                      "server = a {} observe=layer7 error_limit=3 on_error=mark_down\nserver = b {}\n",
                      a.endpoint(), b.endpoint()),
          "mode = http\n");
  testing::HttpClient client;
  int a_errors = 0;
  for (int i = 0; i < 12 && a_errors < 3; ++i) {
    if (client.get(fmt::format("http://{}/health", p.endpoint())).status == 503) ++a_errors;
  }
  CHECK(a_errors == 3);
  CHECK(
      p.wait_for_log("Server www/a is DOWN, reason: Health analyze, info: \"Detected 3 consecutive errors, last "
                     "one was: Wrong http response\"",
                     5s));
  // While DOWN (until 3 checks pass, 1.5 s), every request goes to b.
  for (int i = 0; i < 4; ++i) CHECK(client.get(fmt::format("http://{}/health", p.endpoint())).status == 200);
  CHECK(p.wait_for_log("Server www/a is UP, reason: Layer7 check passed", 5s));
}

TEST_CASE("agent_check: the agent's line sets DOWN/UP, weight, drain, ready and maxconn, logged", "[proxyd]") {
  testing::TcpBackend a("a");
  testing::TcpBackend b("b");
  // A TcpBackend greets every connection with its name: as an agent, its
  // name is the reply line.
  auto agent = std::make_unique<testing::TcpBackend>("down#maintenance window");
  const auto agent_port = agent->port();
  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ncheck = tcp\ncheck_interval = 200ms\n"
                  "server = a {} weight=4 agent_check agent_port={} agent_inter=150ms\nserver = b {}\n",
                  a.endpoint(), agent_port, b.endpoint()));
  CHECK(
      p.wait_for_log("Server www/a is DOWN, reason: Agent reports down, info: \"maintenance window\". 1 active "
                     "and 0 backup servers left.",
                     5s));
  for (int i = 0; i < 4; ++i) CHECK(testing::who_serves(p.endpoint()) == "b");
  const auto say = [&](const std::string& line) {
    agent.reset();
    agent = std::make_unique<testing::TcpBackend>(line, fmt::format("127.0.0.1:{}", agent_port));
  };
  say("up,50%");
  CHECK(p.wait_for_log("Server www/a is UP, reason: Agent reports up. 2 active and 0 backup servers online.", 5s));
  CHECK(p.wait_for_log("Server www/a weight changed from 4 to 2 (agent)", 5s));
  say("drain");
  CHECK(p.wait_for_log("Server www/a enters drain state (agent)", 5s));
  for (int i = 0; i < 4; ++i) CHECK(testing::who_serves(p.endpoint()) == "b");
  say("ready maxconn:7");
  CHECK(p.wait_for_log("Server www/a is READY (leaving DRAIN, agent)", 5s));
  CHECK(p.wait_for_log("Server www/a maxconn changed from 0 to 7 (agent)", 5s));
  CHECK(p.admin("get weight www/a") == "2 (initial 4)\n");
}

TEST_CASE("timeout_tunnel in mode tcp replaces the client and server timeouts once connected (HAProxy)", "[proxyd]") {
  testing::TcpBackend server("beta");
  testing::ProxydRunner p;
  p.start(
      fmt::format("[listen tunnel]\nbind = 127.0.0.1:{{port}}\ntimeout_client = 30s\ntimeout_server = 30s\n"
                  "timeout_tunnel = 300ms\nserver = s {}\n",
                  server.endpoint()));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  CHECK(client->read_line() == "beta");
  const auto idle_from = std::chrono::steady_clock::now();
  CHECK_FALSE(client->read_to_end().value_or("x").size() > 0);  // closed by proxyd, nothing more
  const auto idle = std::chrono::steady_clock::now() - idle_from;
  CHECK(idle >= 250ms);
  CHECK(idle < 5s);
}
