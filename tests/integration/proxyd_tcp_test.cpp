// proxyd in TCP mode in front of real backends on loopback.
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <cstring>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "common/io/unique_fd.h"
#include "proxyd/core/proxy_protocol/proxy_encoder.h"
#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/netns_lab.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;
using testing::TcpBackend;
using testing::TcpClient;

namespace {

struct Proxy {
  testing::TempDir dir;
  std::uint16_t port = testing::free_port();
  std::string config_path;
  std::unique_ptr<testing::DaemonRunner> daemon;

  std::string endpoint() const { return fmt::format("127.0.0.1:{}", port); }

  // <body> goes after the [global]/[defaults] preamble; {port} is ours.
  void start(const std::string& body, const std::string& global = "") {
    write(body, global);
    daemon = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", config_path}, dir.file("proxyd.log"));
    REQUIRE(daemon->wait_for_log("started", 10s));
  }
  void write(const std::string& body, const std::string& global = "") {
    config_path = dir.write("proxyd.ini", fmt::format("[global]\nlog = stderr\npidfile = {}\n{}\n"
                                                      "[defaults]\ntimeout_connect = 1s\ndontlognull = false\n{}",
                                                      dir.file("proxyd.pid"), global,
                                                      fmt::format(fmt::runtime(body), fmt::arg("port", port))));
  }
  std::string log() const { return daemon->log(); }
};

std::string servers(const std::vector<TcpBackend*>& backends, const std::string& options = "") {
  std::string out;
  for (const auto* b : backends) out += fmt::format("server = {} {} {}\n", b->name(), b->endpoint(), options);
  return out;
}

}  // namespace

TEST_CASE("round robin is exact over N connections", "[proxyd]") {
  TcpBackend a("a"), b("b"), c("c");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a, &b, &c}));
  std::string sequence;
  for (int i = 0; i < 30; ++i) {
    const auto who = testing::who_serves(p.endpoint());
    REQUIRE(who);
    sequence += *who;
  }
  CHECK(sequence == "abcabcabcabcabcabcabcabcabcabc");
  CHECK(a.accepted() == 10);
  CHECK(b.accepted() == 10);
  CHECK(c.accepted() == 10);
  // One tcplog line per connection, HAProxy's field order.
  CHECK(p.daemon->wait_for_log(" www www/c ", 5s));
  CHECK(p.log().find("[") != std::string::npos);
}

TEST_CASE("weights shape the distribution", "[proxyd]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\nserver = a {} weight=3\nserver = b {} weight=1\n",
                      a.endpoint(), b.endpoint()));
  int count_a = 0;
  for (int i = 0; i < 40; ++i) count_a += testing::who_serves(p.endpoint()) == "a" ? 1 : 0;
  CHECK(count_a == 30);
}

TEST_CASE("a killed backend is marked down by checks and gets no new connection", "[proxyd]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\ncheck = tcp\ncheck_interval = 100ms\nrise = 2\nfall = 2\n" +
          servers({&a, &b}));
  a.stop();
  // fall x interval = 200ms; generous bound.
  REQUIRE(p.daemon->wait_for_log("Server www/a is DOWN", 5s));
  CHECK(p.log().find("reason: Layer4 connection problem") != std::string::npos);
  const auto before = a.accepted();
  for (int i = 0; i < 10; ++i) CHECK(testing::who_serves(p.endpoint()) == "b");
  CHECK(a.accepted() == before);
}

TEST_CASE("the backup server takes over when every primary is down", "[proxyd]") {
  TcpBackend a("a"), sorry("sorry");
  Proxy p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ncheck = tcp\ncheck_interval = 100ms\nfall = 1\n"
                  "server = a {}\nserver = sorry {} backup\n",
                  a.endpoint(), sorry.endpoint()));
  for (int i = 0; i < 3; ++i) CHECK(testing::who_serves(p.endpoint()) == "a");
  CHECK(sorry.accepted() == 0);
  a.stop();
  REQUIRE(p.daemon->wait_for_log("Server www/a is DOWN", 5s));
  for (int i = 0; i < 3; ++i) CHECK(testing::who_serves(p.endpoint()) == "sorry");
}

TEST_CASE("retries then redispatch reach another server when one refuses", "[proxyd]") {
  TcpBackend b("b");
  const auto dead_port = testing::free_port();
  Proxy p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\nretries = 2\nredispatch = true\n"
                  "server = dead 127.0.0.1:{}\nserver = b {}\n",
                  dead_port, b.endpoint()));
  // Round robin starts on "dead": two attempts there, the last redispatched.
  CHECK(testing::who_serves(p.endpoint()) == "b");
  CHECK(p.daemon->wait_for_log(" www www/b ", 5s));
  CHECK(p.log().find("/+2 ") != std::string::npos);
}

TEST_CASE("half-close and a 100 MB transfer each way arrive intact", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a}));
  auto client = TcpClient::connect(p.endpoint(), 60s);
  REQUIRE(client);
  REQUIRE(client->read_line() == "a");
  std::string payload(100u << 20, '\0');
  std::mt19937_64 rng(42);
  for (std::size_t i = 0; i + 8 <= payload.size(); i += 8) {
    const auto v = rng();
    std::memcpy(payload.data() + i, &v, 8);
  }
  std::string echoed;
  std::thread reader([&] { echoed = client->read_to_end().value_or("<error>"); });
  REQUIRE(client->send_all(payload));
  // Our FIN reaches the backend through the proxy; the backend then closes,
  // and that FIN comes back: the echo must be complete.
  client->shutdown_write();
  reader.join();
  CHECK(echoed.size() == payload.size());
  CHECK(std::hash<std::string>{}(echoed) == std::hash<std::string>{}(payload));
}

TEST_CASE("server maxconn queues connections instead of refusing them", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ntimeout_queue = 10s\nserver = a {} maxconn=1\n",
                      a.endpoint()));
  auto first = TcpClient::connect(p.endpoint());
  REQUIRE(first);
  REQUIRE(first->read_line() == "a");
  auto second = TcpClient::connect(p.endpoint());
  REQUIRE(second);
  std::optional<std::string> second_greeting;
  std::thread waiter([&] { second_greeting = second->read_line(); });
  std::this_thread::sleep_for(300ms);
  CHECK(a.accepted() == 1);  // queued, not sent
  first->shutdown_write();
  (void)first->read_to_end();
  waiter.join();
  CHECK(second_greeting == "a");
  CHECK(a.concurrent_max() == 1);
}

TEST_CASE("a queued connection times out after timeout_queue", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ntimeout_queue = 200ms\nserver = a {} maxconn=1\n",
                      a.endpoint()));
  auto first = TcpClient::connect(p.endpoint());
  REQUIRE(first->read_line() == "a");
  auto second = TcpClient::connect(p.endpoint());
  CHECK_FALSE(second->read_line());  // closed without a server
  CHECK(p.daemon->wait_for_log(" sQ ", 5s));
}

TEST_CASE("PROXY protocol: accepted from clients, sent to servers", "[proxyd]") {
  TcpBackend a("a");
  a.expect_proxy_v1(true);
  Proxy p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}} accept_proxy\nserver = a {} send_proxy=v1\n", a.endpoint()));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  REQUIRE(client->send_all("PROXY TCP4 203.0.113.7 10.0.0.10 40000 80\r\nhello\n"));
  REQUIRE(client->read_line() == "a");
  CHECK(client->read_line() == "hello");
  const auto lines = a.proxy_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].starts_with("PROXY TCP4 203.0.113.7 "));
  client->shutdown_write();
  (void)client->read_to_end();
  // The access log shows the original client, not the PROXY sender.
  CHECK(p.daemon->wait_for_log("203.0.113.7:40000 [", 5s));
}

TEST_CASE("timeout_client closes an idle session and logs cD", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ntimeout_client = 300ms\ntimeout_server = 10s\n"
                  "server = a {}\n",
                  a.endpoint()));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client->read_line() == "a");
  CHECK(client->read_to_end().has_value());  // closed by the proxy
  CHECK(p.daemon->wait_for_log(" cD ", 5s));
}

TEST_CASE("a backend with no usable server closes the client at once and says why", "[proxyd]") {
  Proxy p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\nserver = a 127.0.0.1:{} disabled\n", testing::free_port()));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(testing::who_serves(p.endpoint()));
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);
  CHECK(p.daemon->wait_for_log("backend www has no server available!", 5s));
  CHECK(p.log().find("www/<NOSRV>") != std::string::npos);
}

TEST_CASE("reload under a continuous connection loop drops nothing", "[proxyd]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a}));
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0};
  std::thread client([&] {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      const auto who = testing::who_serves(p.endpoint());
      (who ? ok : failed)++;
    }
  });
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(150ms);
    p.write("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({i % 2 == 0 ? &b : &a}));
    p.daemon->signal(SIGHUP);
  }
  std::this_thread::sleep_for(300ms);
  done = true;
  client.join();
  INFO(ok << " connections succeeded, " << failed << " failed");
  CHECK(failed == 0);
  CHECK(ok > 50);
  CHECK(b.accepted() > 0);  // the new configuration took effect
  CHECK(p.log().find("generation 6") != std::string::npos);
}

TEST_CASE("an invalid reload is refused and the running configuration keeps serving", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a}));
  p.dir.write("proxyd.ini", "[listen www]\nbind = nonsense\n");
  p.daemon->signal(SIGHUP);
  REQUIRE(p.daemon->wait_for_log("refused", 5s));
  CHECK(testing::who_serves(p.endpoint()) == "a");
}

TEST_CASE("SIGTERM stops accepting but lets a running session finish", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a}), "hard_stop_after = 10s");
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client->read_line() == "a");
  p.daemon->signal(SIGTERM);
  REQUIRE(p.daemon->wait_for_log("closing listeners", 5s));
  std::this_thread::sleep_for(200ms);
  CHECK_FALSE(TcpClient::connect(p.endpoint(), 1s));  // listeners closed
  REQUIRE(client->send_all("still here\n"));
  CHECK(client->read_line() == "still here");
  CHECK(p.daemon->running());
  client->shutdown_write();
  (void)client->read_to_end();
  const auto status = p.daemon->wait_exit(5s);
  REQUIRE(status);
  CHECK(WEXITSTATUS(*status) == 0);
}

TEST_CASE("frontend maxconn pauses accepting instead of refusing", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\nmaxconn = 1\n" + servers({&a}));
  auto first = TcpClient::connect(p.endpoint());
  REQUIRE(first->read_line() == "a");
  auto second = TcpClient::connect(p.endpoint());  // sits in the backlog
  REQUIRE(second);
  std::optional<std::string> greeting;
  std::thread waiter([&] { greeting = second->read_line(); });
  std::this_thread::sleep_for(300ms);
  CHECK(a.accepted() == 1);
  first->shutdown_write();
  (void)first->read_to_end();
  waiter.join();
  CHECK(greeting == "a");
}

TEST_CASE("the VIP is bound while absent (IP_FREEBIND) and served the moment it is added", "[root][proxyd]") {
  testing::NetnsLab lab;
  lab.add_node("lb");
  lab.add_node("client");
  lab.connect("lb", "eth1", "10.77.0.11/24");
  lab.connect("client", "eth1", "10.77.0.100/24");
  testing::TempDir dir;
  const auto config = dir.write("proxyd.ini", fmt::format("[global]\nlog = stderr\npidfile = {}\n"
                                                          "[listen www]\nbind = 10.77.0.10:80\n"
                                                          "server = web1 127.0.0.1:8081\n",
                                                          dir.file("proxyd.pid")));
  testing::DaemonRunner web({std::string(HAPAIR_BIN_DIR) + "/hapair-nameserver", "web1", "127.0.0.1:8081"},
                            dir.file("web.log"), lab.ns("lb"));
  REQUIRE(web.wait_for_log("listening", 5s));
  // No net.ipv4.ip_nonlocal_bind: the namespace has the kernel default (0).
  CHECK(lab.exec("lb", {"sysctl", "-n", "net.ipv4.ip_nonlocal_bind"}).success());
  testing::DaemonRunner proxy({std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", config}, dir.file("proxyd.log"),
                              lab.ns("lb"));
  REQUIRE(proxy.wait_for_log("started", 10s));
  auto fetch = [&] {
    return lab.exec("client", {"curl", "-s", "--max-time", "1", "-o", "/dev/null", "http://10.77.0.10/"}).success();
  };
  CHECK_FALSE(fetch());
  lab.must("lb", {"ip", "addr", "add", "10.77.0.10/24", "dev", "eth1"});
  CHECK(testing::eventually(fetch, 5s));
}

TEST_CASE("PROXY protocol v2 from the client names the original client in the log", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}} accept_proxy\nserver = a {}\n", a.endpoint()));
  proxyd::proxy_protocol::ProxyHeader header;
  header.version = proxyd::proxy_protocol::Version::V2;
  header.command = proxyd::proxy_protocol::Command::Proxy;
  header.addresses = proxyd::proxy_protocol::ProxyAddresses{*common::net::Endpoint::parse("[2001:db8::7]:41000"),
                                                            *common::net::Endpoint::parse("[2001:db8::10]:443")};
  const auto bytes = proxyd::proxy_protocol::encode(header);
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  REQUIRE(client->send_all(std::string(bytes.begin(), bytes.end()) + "ping\n"));
  REQUIRE(client->read_line() == "a");
  CHECK(client->read_line() == "ping");  // the bytes after the header reach the server intact
  client->shutdown_write();
  (void)client->read_to_end();
  CHECK(p.daemon->wait_for_log("2001:db8::7:41000 [", 5s));
}

TEST_CASE("a malformed PROXY header is refused and logged", "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}} accept_proxy\nserver = a {}\n", a.endpoint()));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client->send_all("GET / HTTP/1.1\r\n\r\n"));
  CHECK_FALSE(client->read_line());
  CHECK(p.daemon->wait_for_log("bad PROXY header from 127.0.0.1", 5s));
  CHECK(p.log().find(" PR ") != std::string::npos);
  CHECK(a.accepted() == 0);
}

TEST_CASE("two worker threads serve connections", "[proxyd]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a, &b}), "threads = 2");
  CHECK(p.log().find("2 thread(s)") != std::string::npos);
  int served = 0;
  for (int i = 0; i < 40; ++i) served += testing::who_serves(p.endpoint()) ? 1 : 0;
  CHECK(served == 40);
  CHECK(a.accepted() > 0);
  CHECK(b.accepted() > 0);
}

TEST_CASE("proxyd -c reports an address that cannot be bound", "[proxyd]") {
  testing::TempDir dir;
  TcpBackend squatter("squatter");  // holds the port without SO_REUSEPORT
  const auto config =
      dir.write("p.ini", fmt::format("[listen www]\nbind = 127.0.0.1:{}\nserver = a 127.0.0.1:1\n", squatter.port()));
  testing::DaemonRunner check({std::string(HAPAIR_BIN_DIR) + "/proxyd", "-c", "-f", config}, dir.file("out"));
  const auto status = check.wait_exit(10s);
  REQUIRE(status);
  CHECK(WEXITSTATUS(*status) == 1);
  CHECK(check.log().find(config + ":2: error: frontend 'www': cannot bind 127.0.0.1:" +
                         std::to_string(squatter.port())) != std::string::npos);
}

TEST_CASE("systemd notification: READY=1 after binding, RELOADING=1 then READY=1 on SIGHUP", "[proxyd]") {
  testing::TempDir dir;
  const auto socket_path = dir.file("notify.sock");
  common::io::UniqueFd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{5, 0};
  ::setsockopt(sock.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto next_message = [&] {
    char buf[256];
    const auto n = ::recv(sock.get(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  };
  TcpBackend a("a");
  ::setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a}));
  ::unsetenv("NOTIFY_SOCKET");
  CHECK(next_message() == "READY=1");
  p.daemon->signal(SIGHUP);
  CHECK(next_message() == "RELOADING=1");
  CHECK(next_message() == "READY=1");
}

TEST_CASE("user and group: privileges are dropped after binding", "[root][proxyd]") {
  TcpBackend a("a");
  Proxy p;
  ::chmod(p.dir.path().c_str(), 0777);
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a}), "user = nobody\ngroup = nogroup");
  std::ifstream status("/proc/" + std::to_string(p.daemon->pid()) + "/status");
  std::string line, uid_line, cap_line;
  while (std::getline(status, line)) {
    if (line.starts_with("Uid:")) uid_line = line;
    if (line.starts_with("CapEff:")) cap_line = line;
  }
  CHECK(uid_line.find("\t65534\t65534\t65534") != std::string::npos);
  CHECK(cap_line == "CapEff:\t0000000000000400");  // CAP_NET_BIND_SERVICE only
  CHECK(testing::who_serves(p.endpoint()) == "a");
}

TEST_CASE("the Patroni pattern: an HTTP check on a port of its own, on_marked_down cuts the sessions",
          "[proxyd][health]") {
  // HAProxy: option httpchk GET /master, default-server ... on-marked-down
  // shutdown-sessions, server pgN ADDR:5432 check port 8008; here /health
  // stands for Patroni's /master (200 on the primary, 503 on a replica).
  TcpBackend pg1("pg1"), pg2("pg2");
  testing::HttpBackend api1("api1"), api2("api2");
  api2.set_health_status(503);
  Proxy p;
  p.start(
      fmt::format("[listen db]\nbind = 127.0.0.1:{{port}}\ncheck = http GET /health\ncheck_expect = status 200\n"
                  "check_interval = 100ms\nrise = 1\nfall = 1\n"
                  "default_server = fastinter=50ms on_marked_down=shutdown_sessions\n"
                  "server = pg1 {} check_port={}\nserver = pg2 {} check_port={}\n",
                  pg1.endpoint(), api1.port(), pg2.endpoint(), api2.port()));
  REQUIRE(p.daemon->wait_for_log("Server db/pg2 is DOWN, reason: Layer7 wrong status, code: 503", 5s));
  auto held = TcpClient::connect(p.endpoint());
  REQUIRE(held);
  REQUIRE(held->read_line() == "pg1");
  // A switchover: the replica is promoted, the old primary steps down.
  api2.set_health_status(200);
  REQUIRE(p.daemon->wait_for_log("Server db/pg2 is UP", 5s));
  api1.set_health_status(503);
  REQUIRE(p.daemon->wait_for_log("Server db/pg1 is DOWN", 5s));
  // The session on the old primary was cut (logged D), not left writing to a replica.
  CHECK(held->read_to_end().has_value());
  INFO(p.log());
  CHECK(p.daemon->wait_for_log(" DD ", 2s));
  CHECK(testing::who_serves(p.endpoint()) == "pg2");
  CHECK(api1.request_count() > 0);
  CHECK(pg1.accepted() == 1);  // the checks went to the API port, not to the database port
}

namespace {

// The ss(8) line of the established sockets matching <filter> ("sport = :80").
std::string sockets(const std::string& filter) {
  const auto command = "ss -tnoH state established '( " + filter + " )' 2>&1";
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
    ::pclose(pipe);
  }
  return out;
}

}  // namespace

TEST_CASE("tcpka: keep-alive probes on the client and server sockets, idle times tuned; a port range binds each port",
          "[proxyd]") {
  TcpBackend a("a");
  Proxy p;
  // Two consecutive free ports for the range.
  std::uint16_t first = 0;
  for (int tries = 0; tries < 50 && first == 0; ++tries) {
    const auto candidate = testing::free_port();
    common::io::UniqueFd probe(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in next{};
    next.sin_family = AF_INET;
    next.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    next.sin_port = htons(static_cast<std::uint16_t>(candidate + 1));
    if (::bind(probe.get(), reinterpret_cast<sockaddr*>(&next), sizeof next) == 0) first = candidate;
  }
  REQUIRE(first != 0);
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{}-{}\ntcpka = true\nclitcpka_idle = 77s\n"
                  "srvtcpka_idle = 55s\nsrvtcpka_cnt = 4\nserver = a {}\n",
                  first, first + 1, a.endpoint()));
  auto one = TcpClient::connect(fmt::format("127.0.0.1:{}", first));
  auto two = TcpClient::connect(fmt::format("127.0.0.1:{}", first + 1));
  REQUIRE(one);
  REQUIRE(two);
  CHECK(one->read_line() == "a");
  CHECK(two->read_line() == "a");
  const auto client_side = sockets(fmt::format("sport = :{}", first));
  const auto server_side = sockets(fmt::format("dport = :{}", a.port()));
  INFO(client_side << server_side);
  // The first probe waits the idle time set: ss shows what is left of it.
  CHECK(client_side.find("timer:(keepalive,1min1") != std::string::npos);
  CHECK(server_side.find("timer:(keepalive,5") != std::string::npos);
}

TEST_CASE("tcp-check: redis-check and a Redis role script against a real redis-server, HAProxy's reasons",
          "[proxyd][health]") {
  if (std::system("command -v redis-server >/dev/null 2>&1") != 0) {
    WARN("redis-server not installed (scripts/install-deps.sh installs it): skipped");
    return;
  }
  testing::TempDir redis_dir;
  const auto redis_port = testing::free_port();
  testing::DaemonRunner redis({"redis-server", "--port", std::to_string(redis_port), "--bind", "127.0.0.1", "--save",
                               "", "--appendonly", "no", "--dir", redis_dir.path()},
                              redis_dir.file("redis.log"));
  REQUIRE(redis.wait_for_log("Ready to accept connections", 10s));
  TcpBackend fake("fake");  // greets with its name, never "+PONG"
  Proxy p;
  const auto master_port = testing::free_port();
  p.start(fmt::format(
      "[listen cache]\nbind = 127.0.0.1:{{port}}\ncheck = redis-check\ncheck_interval = 100ms\ncheck_timeout = 500ms\n"
      "rise = 1\nfall = 1\nserver = r1 127.0.0.1:{0}\nserver = fake {1}\n"
      "[listen master]\nbind = 127.0.0.1:{2}\ncheck = tcp-check\ncheck_interval = 100ms\nrise = 1\nfall = 1\n"
      "tcp_check = connect\ntcp_check = send PING\\r\\n\ntcp_check = expect string +PONG\n"
      "tcp_check = send info replication\\r\\n\ntcp_check = expect string role:master\n"
      "tcp_check = send QUIT\\r\\n\ntcp_check = expect string +OK\nserver = r1 127.0.0.1:{0}\n",
      redis_port, fake.endpoint(), master_port));
  REQUIRE(
      p.daemon->wait_for_log("Server cache/fake is DOWN, reason: Layer7 invalid response, info: \"TCPCHK did not "
                             "match content '+PONG' at step 3\"",
                             5s));
  // Traffic reaches Redis only.
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  REQUIRE(client->send_all("PING\r\n"));
  CHECK(client->read_line() == "+PONG\r");
  // The master becomes a replica: the role script takes it out.
  auto admin = TcpClient::connect(fmt::format("127.0.0.1:{}", redis_port));
  REQUIRE(admin);
  REQUIRE(admin->send_all("REPLICAOF 127.0.0.1 1\r\n"));
  CHECK(admin->read_line() == "+OK\r");
  INFO(p.log());
  CHECK(
      p.daemon->wait_for_log("Server master/r1 is DOWN, reason: Layer7 invalid response, info: \"TCPCHK did not "
                             "match content 'role:master' at step 5\"",
                             5s));
  CHECK(p.log().find("Server cache/r1 is DOWN") == std::string::npos);  // still answers PING
  REQUIRE(admin->send_all("REPLICAOF NO ONE\r\n"));
  CHECK(p.daemon->wait_for_log("Server master/r1 is UP, reason: Layer7 check passed", 5s));
}

TEST_CASE("timeout_client_fin ends a half-closed session sooner than timeout_client", "[proxyd]") {
  // A server that keeps its side open after the client's FIN.
  auto server = testing::listen_on("127.0.0.1:0");
  Proxy p;
  p.start(
      fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\ntimeout_client = 30s\ntimeout_server = 30s\n"
                  "timeout_client_fin = 300ms\nserver = s 127.0.0.1:{}\n",
                  server.port));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  common::io::UniqueFd accepted(::accept(server.fd.get(), nullptr, nullptr));
  REQUIRE(accepted);
  REQUIRE(::send(accepted.get(), "hi\n", 3, 0) == 3);
  REQUIRE(client->read_line() == "hi");
  const auto started = std::chrono::steady_clock::now();
  client->shutdown_write();  // the client is done sending, then silent
  CHECK(client->read_to_end().has_value());
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(waited < 5s);  // 300 ms, not 30 s
  CHECK(waited >= 250ms);
  CHECK(p.daemon->wait_for_log(" cD ", 2s));
}

TEST_CASE("cpu_map binds the worker threads to their CPUs", "[proxyd]") {
  if (std::thread::hardware_concurrency() < 2) {
    WARN("one CPU: cpu_map has nothing to bind apart: skipped");
    return;
  }
  TcpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + servers({&a}), "threads = 2\ncpu_map = 1/all 1\n");
  // Every thread's allowed CPUs, from /proc: the two workers on CPU 1 only.
  int bound = 0;
  for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", p.daemon->pid()))) {
    std::ifstream status(task.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line == "Cpus_allowed_list:\t1") ++bound;
    }
  }
  CHECK(bound == 2);
  CHECK(testing::who_serves(p.endpoint()) == "a");
}
