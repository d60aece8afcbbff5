// proxyd in HTTP mode, with libcurl and raw sockets as clients and real
// HTTP servers on loopback behind it.
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/http_client.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;
using testing::HttpBackend;
using testing::HttpClient;
using testing::TcpClient;

namespace {

struct Proxy {
  testing::TempDir dir;
  std::uint16_t port = testing::free_port();
  std::uint16_t port2 = testing::free_port();
  std::uint16_t port3 = testing::free_port();
  std::string config_path;
  std::unique_ptr<testing::DaemonRunner> daemon;

  std::string url(const std::string& path = "/") const { return fmt::format("http://127.0.0.1:{}{}", port, path); }
  std::string endpoint() const { return fmt::format("127.0.0.1:{}", port); }

  // <body> goes after the [global]/[defaults] preamble; {port}, {port2},
  // {port3} and {dir} are substituted.
  void start(const std::string& body) {
    config_path = dir.write(
        "proxyd.ini",
        fmt::format("[global]\nlog = stderr\npidfile = {}\n\n"
                    "[defaults]\nmode = http\ntimeout_connect = 1s\ntimeout_client = 5s\ntimeout_server = 5s\n"
                    "dontlognull = false\n{}",
                    dir.file("proxyd.pid"),
                    fmt::format(fmt::runtime(body), fmt::arg("port", port), fmt::arg("port2", port2),
                                fmt::arg("port3", port3), fmt::arg("dir", dir.path()))));
    daemon = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", config_path}, dir.file("proxyd.log"));
    const bool started = daemon->wait_for_log("started", 10s);
    INFO(daemon->log());
    REQUIRE(started);
  }
  std::string log() const { return daemon->log(); }
};

std::string server_line(const HttpBackend& b, const std::string& options = "") {
  return fmt::format("server = {} {} {}\n", b.name(), b.endpoint(), options);
}

// Sends <request> on a fresh connection and reads until the server closes
// (or 5 s pass).
std::string exchange(const std::string& endpoint, const std::string& request) {
  auto client = TcpClient::connect(endpoint);
  REQUIRE(client);
  REQUIRE(client->send_all(request));
  return client->read_to_end().value_or("<timeout>");
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("http: keep-alive is reused on both sides and each request is logged in httplog format", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + server_line(a) + "[stats]\nbind = 127.0.0.1:{port2}\n");
  HttpClient client;
  long connects = 0;
  for (int i = 0; i < 5; ++i) {
    const auto reply = client.get(p.url("/page" + std::to_string(i)));
    REQUIRE(reply.ok());
    CHECK(reply.status == 200);
    CHECK(reply.body == "a\n");
    connects += reply.connects;
  }
  CHECK(connects == 1);         // one client connection
  CHECK(a.connections() == 1);  // one server connection
  CHECK(a.request_count() == 5);
  REQUIRE(p.daemon->wait_for_log("\"GET /page4 HTTP/1.1\"", 5s));
  // client, date, frontend, backend/server, timers, status, bytes, cookies, state, counts, queues, request
  const auto log = p.log();
  CHECK(log.find(" www www/a ") != std::string::npos);
  CHECK(log.find(" 200 ") != std::string::npos);
  CHECK(log.find(" - - ---- ") != std::string::npos);
  CHECK(count(log, "\"GET /page") == 5);
  // Status classes are counted per frontend and server.
  const auto metrics = HttpClient().get(fmt::format("http://127.0.0.1:{}/metrics", p.port2)).body;
  CHECK(metrics.find("proxyd_frontend_http_responses_total{proxy=\"www\",code=\"2xx\"} 5") != std::string::npos);
}

TEST_CASE("http: forwardfor adds X-Forwarded-For; forwardfor_except skips the network", "[proxyd][http]") {
  HttpBackend a("a"), b("b");
  Proxy p;
  p.start(
      "[frontend www]\nbind = 127.0.0.1:{port}\nforwardfor = true\nbackend = app\n"
      "[frontend internal]\nbind = 127.0.0.1:{port2}\nforwardfor = true\nforwardfor_except = 127.0.0.0/8\n"
      "backend = other\n"
      "[backend app]\n" +
      server_line(a) + "[backend other]\n" + server_line(b));
  HttpClient client;
  REQUIRE(client.get(p.url()).status == 200);
  REQUIRE(a.request_count() == 1);
  CHECK(a.requests()[0].header("X-Forwarded-For") == "127.0.0.1");
  REQUIRE(client.get(fmt::format("http://127.0.0.1:{}/", p.port2)).status == 200);
  REQUIRE(b.request_count() == 1);
  CHECK(b.requests()[0].header("X-Forwarded-For").empty());
}

TEST_CASE("http: http_server_close closes only the server side; http_close closes both", "[proxyd][http]") {
  HttpBackend a("a"), b("b");
  Proxy p;
  p.start("[listen sc]\nbind = 127.0.0.1:{port}\nhttp_server_close = true\n" + server_line(a) +
          "[listen cl]\nbind = 127.0.0.1:{port2}\nhttp_close = true\n" + server_line(b));
  HttpClient client;
  long connects = 0;
  for (int i = 0; i < 3; ++i) {
    const auto reply = client.get(p.url());
    REQUIRE(reply.status == 200);
    connects += reply.connects;
  }
  CHECK(connects == 1);         // the client kept its connection
  CHECK(a.connections() == 3);  // a new server connection per request
  for (const auto& r : a.requests()) CHECK(r.header("Connection") == "close");

  HttpClient other;
  connects = 0;
  for (int i = 0; i < 3; ++i) {
    const auto reply = other.get(fmt::format("http://127.0.0.1:{}/", p.port2));
    REQUIRE(reply.status == 200);
    CHECK(reply.header("Connection") == "close");
    connects += reply.connects;
  }
  CHECK(connects == 3);  // the client had to reconnect each time
  CHECK(b.connections() == 3);
}

TEST_CASE("http: a persistence cookie sticks to its server and fails over when it goes down", "[proxyd][http]") {
  auto a = std::make_unique<HttpBackend>("a");
  HttpBackend b("b");
  Proxy p;
  p.start(
      "[listen www]\nbind = 127.0.0.1:{port}\ncookie = SERVERID insert indirect nocache\n"
      "check = tcp\ncheck_interval = 100ms\nrise = 1\nfall = 1\nretries = 1\nredispatch = true\n" +
      server_line(*a, "cookie=sa") + server_line(b, "cookie=sb"));
  HttpClient client;
  const auto first = client.get(p.url());
  REQUIRE(first.status == 200);
  const auto set_cookie = first.header("Set-Cookie");
  CHECK((set_cookie.starts_with("SERVERID=sa") || set_cookie.starts_with("SERVERID=sb")));
  CHECK(first.header("Cache-Control") == "private");
  const auto sticky = first.header("X-Served-By");
  for (int i = 0; i < 10; ++i) {
    const auto reply = client.get(p.url());
    REQUIRE(reply.status == 200);
    CHECK(reply.header("X-Served-By") == sticky);
    CHECK(reply.header("Set-Cookie").empty());  // valid cookie: nothing new to set
  }
  // indirect: the servers never see the persistence cookie.
  for (const auto& r : a->requests()) CHECK(r.header("Cookie").find("SERVERID") == std::string::npos);
  for (const auto& r : b.requests()) CHECK(r.header("Cookie").find("SERVERID") == std::string::npos);

  // The sticky server dies: the next request goes to the other one, which
  // sets its own cookie.
  auto& dead = sticky == "a" ? *a : b;
  dead.stop();
  REQUIRE(p.daemon->wait_for_log("is DOWN", 5s));
  const auto moved = client.get(p.url());
  REQUIRE(moved.status == 200);
  CHECK(moved.header("X-Served-By") != sticky);
  CHECK(moved.header("Set-Cookie").starts_with(sticky == "a" ? "SERVERID=sb" : "SERVERID=sa"));
}

TEST_CASE("http: an HTTP check takes a server answering 503 down and back up after rise", "[proxyd][http]") {
  HttpBackend a("a"), b("b");
  Proxy p;
  p.start(
      "[listen www]\nbind = 127.0.0.1:{port}\ncheck = http GET /health HTTP/1.1 Host=example.org\n"
      "check_expect = status 200\ncheck_interval = 100ms\nrise = 2\nfall = 2\n" +
      server_line(a) + server_line(b));
  REQUIRE(testing::eventually([&] { return a.request_count() >= 2; }, 5s));
  const auto check = a.requests()[0];
  CHECK(check.request_line() == "GET /health HTTP/1.1");
  CHECK(check.header("Host") == "example.org");
  a.set_health_status(503);
  REQUIRE(p.daemon->wait_for_log("Layer7 wrong status, code: 503", 5s));
  REQUIRE(p.daemon->wait_for_log("www/a is DOWN", 5s));
  HttpClient client;
  for (int i = 0; i < 6; ++i) CHECK(client.get(p.url()).header("X-Served-By") == "b");
  a.set_health_status(200);
  REQUIRE(p.daemon->wait_for_log("www/a is UP", 5s));
  std::set<std::string> seen;
  for (int i = 0; i < 6; ++i) seen.insert(client.get(p.url()).header("X-Served-By"));
  CHECK(seen == std::set<std::string>{"a", "b"});
}

TEST_CASE("http: use_backend routes by host and path; redirect answers locally", "[proxyd][http]") {
  HttpBackend web("web"), api("api"), stat("static");
  Proxy p;
  p.start(
      "[frontend www]\nbind = 127.0.0.1:{port}\n"
      "redirect = scheme https code 301 if host secure.example.org\n"
      "use_backend = api if path_beg /api\nuse_backend = static if host static.example.org\n"
      "use_backend = api if hdr X-Route api\nbackend = web\n"
      "[backend web]\n" +
      server_line(web) + "[backend api]\n" + server_line(api) + "[backend static]\n" + server_line(stat));
  HttpClient client;
  CHECK(client.get(p.url("/")).body == "web\n");
  CHECK(client.get(p.url("/api/v1/users")).body == "api\n");
  CHECK(client.get(p.url("/apiary")).body == "api\n");  // path_beg is a prefix
  HttpClient by_host({.headers = {"Host: Static.Example.org:8080"}});
  CHECK(by_host.get(p.url("/img.png")).body == "static\n");
  HttpClient by_header({.headers = {"X-Route: api"}});
  CHECK(by_header.get(p.url("/x")).body == "api\n");
  HttpClient secure({.headers = {"Host: secure.example.org"}});
  const auto redirect = secure.get(p.url("/login?next=1"));
  CHECK(redirect.status == 301);
  CHECK(redirect.header("Location") == "https://secure.example.org/login?next=1");
  CHECK(web.request_count() == 1);
}

TEST_CASE("http: HAProxy ACLs route: named and anonymous, AND, OR, negation, converters", "[proxyd][http]") {
  HttpBackend web("web"), api("api"), admin("admin");
  Proxy p;
  p.start(
      "[frontend www]\nbind = 127.0.0.1:{port}\n"
      "acl = is_api path_beg /api/ /v2/\n"
      "acl = is_api hdr_dom(host) -i api.example.org\n"
      "acl = from_lan src 10.0.0.0/8\n"
      "acl = json path_end .json\n"
      "acl = tenant hdr(x-tenant),lower,field(1,-) blue\n"
      "redirect = location /denied code 303 if {{ path_beg /admin }} !LOCALHOST\n"
      "use_backend = admin if {{ path_beg /admin }} || tenant METH_POST\n"
      "use_backend = api if is_api !from_lan || json\n"
      "backend = web\n"
      "[backend web]\n" +
      server_line(web) + "[backend api]\n" + server_line(api) + "[backend admin]\n" + server_line(admin));
  HttpClient client;
  CHECK(client.get(p.url("/")).body == "web\n");
  CHECK(client.get(p.url("/v2/users")).body == "api\n");       // is_api, and 127.0.0.1 is not from_lan
  CHECK(client.get(p.url("/static/a.json")).body == "api\n");  // || json
  CHECK(client.get(p.url("/admin/x")).body == "admin\n");      // LOCALHOST: no redirect
  HttpClient by_host({.headers = {"Host: API.example.org:8443"}});
  CHECK(by_host.get(p.url("/")).body == "api\n");  // hdr_dom -i, the port a delimiter
  HttpClient blue({.headers = {"X-Tenant: Blue-42"}});
  CHECK(blue.get(p.url("/")).body == "web\n");          // tenant alone: GET is not METH_POST
  CHECK(blue.post(p.url("/"), "x").body == "admin\n");  // tenant and METH_POST
  CHECK(web.request_count() == 2);
}

TEST_CASE("http: a WebSocket upgrade tunnels bytes both ways", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\ntimeout_tunnel = 10s\n" + server_line(a));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  REQUIRE(
      client->send_all("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
  const auto status = client->read_line();
  REQUIRE(status);
  CHECK(status->starts_with("HTTP/1.1 101"));
  for (std::string line; (line = client->read_line().value_or("")) != "\r";) {
    REQUIRE(!line.empty());
  }
  for (int i = 0; i < 3; ++i) {
    const auto message = fmt::format("frame {}\n", i);
    REQUIRE(client->send_all(message));
    CHECK(client->read_line() == fmt::format("frame {}", i));
  }
  REQUIRE(a.request_count() == 1);
  CHECK(a.requests()[0].header("Upgrade") == "websocket");
  CHECK(a.requests()[0].header("Connection") == "upgrade");
}

TEST_CASE("http: a slowloris client gets 408 and is closed", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\ntimeout_http_request = 500ms\n" + server_line(a));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(client->send_all("GET / HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(200ms);
  REQUIRE(client->send_all("X-Slow: 1\r\n"));  // trickling does not extend the deadline
  const auto response = client->read_to_end();
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(response);
  CHECK(response->starts_with("HTTP/1.1 408"));
  CHECK(elapsed < 4s);
  CHECK(a.request_count() == 0);
  CHECK(p.daemon->wait_for_log(" 408 ", 5s));
}

TEST_CASE("http: every smuggling attempt gets 400 and never reaches a server", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + server_line(a));
  const std::vector<std::string> attacks{
      // CL.TE and TE.CL
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
      // two different Content-Lengths
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
      // a list of different lengths
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 5\r\n\r\nabcde",
      // Transfer-Encoding whose final coding is not chunked
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
      // chunked obfuscations
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\x0b"
      "chunked\r\n\r\n0\r\n\r\n",
      // obs-fold
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n",
      // bare CR and bare LF
      "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n",
      "GET / HTTP/1.1\nHost: x\r\n\r\n",
      // whitespace before the colon
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
      // invalid token characters
      "G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nX[A]: 1\r\n\r\n",
      // NUL in a value
      std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 37),
      // two Host headers, and none in HTTP/1.1
      "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
      "GET / HTTP/1.1\r\nX-A: 1\r\n\r\n",
      // a negative or signed length
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nabcde",
      // chunk size overflow
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nabc\r\n0\r\n\r\n",
      // Transfer-Encoding in HTTP/1.0
      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  };
  for (const auto& attack : attacks) {
    INFO(attack);
    const auto response = exchange(p.endpoint(), attack);
    CHECK(response.starts_with("HTTP/1.1 400"));
    CHECK(response.find("Connection: close") != std::string::npos);
  }
  // Too large a head: 431.
  const auto big =
      exchange(p.endpoint(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  CHECK(big.starts_with("HTTP/1.1 431"));
  // Nothing reached the server: bad heads are never forwarded, and a bad
  // chunk is caught before the head it follows goes out.
  CHECK(a.request_count() == 0);
  // A valid request still works afterwards.
  HttpClient client;
  CHECK(client.get(p.url()).status == 200);
}

TEST_CASE("http: pipelined requests are answered in order", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + server_line(a));
  const auto response = exchange(p.endpoint(),
                                 "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"
                                 "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(count(response, "HTTP/1.1 200 OK") == 3);
  const auto requests = a.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].request_line() == "GET /one HTTP/1.1");
  CHECK(requests[1].request_line() == "GET /two HTTP/1.1");
  CHECK(requests[2].request_line() == "GET /three HTTP/1.1");
}

TEST_CASE("http: request bodies (Content-Length, chunked) and chunked responses pass through", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + server_line(a));
  HttpClient client;
  const std::string body(100000, 'x');
  const auto echoed = client.post(p.url("/echo"), body);
  CHECK(echoed.status == 200);
  CHECK(echoed.body == body);
  HttpClient chunked({.headers = {"Transfer-Encoding: chunked"}});
  const auto echoed2 = chunked.post(p.url("/echo"), "hello chunks");
  CHECK(echoed2.body == "hello chunks");
  CHECK(client.get(p.url("/chunked")).body == "a\n");
  // HTTP/1.0 keep-alive: the proxy says keep-alive and keeps the connection.
  auto raw = TcpClient::connect(p.endpoint());
  REQUIRE(raw);
  REQUIRE(raw->send_all("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  std::string head;
  for (std::string line; (line = raw->read_line().value_or("")) != "\r";) {
    REQUIRE(!line.empty());
    head += line + "\n";
  }
  CHECK(head.find("Connection: keep-alive") != std::string::npos);
  CHECK(raw->read_line() == "a");
}

TEST_CASE("http: proxyd's own errors: 502 for a broken response, 504 for a silent server, 503 errorfile",
          "[proxyd][http]") {
  testing::TcpBackend garbage("not-http");  // greets with "not-http\n": not a status line
  HttpBackend slow("slow");
  Proxy p;
  const auto errorfile =
      p.dir.write("503.http", "HTTP/1.1 503 Service Unavailable\nContent-Type: text/plain\n\nall down, sorry\n");
  p.start(fmt::format(
      "[listen broken]\nbind = 127.0.0.1:{{port}}\nserver = g {}\n"
      "[listen slowpoke]\nbind = 127.0.0.1:{{port2}}\ntimeout_server = 300ms\n{}"
      "[listen empty]\nbind = 127.0.0.1:{{port3}}\nerrorfile = 503 {}\nserver = gone 127.0.0.1:{} disabled\n",
      garbage.endpoint(), server_line(slow), errorfile, testing::free_port()));
  HttpClient client;
  const auto broken = client.get(p.url());
  CHECK(broken.status == 502);
  const auto timeout = client.get(fmt::format("http://127.0.0.1:{}/slow/2000", p.port2));
  CHECK(timeout.status == 504);
  const auto down = client.get(fmt::format("http://127.0.0.1:{}/", p.port3));
  CHECK(down.status == 503);
  CHECK(down.body == "all down, sorry\n");
  CHECK(p.daemon->wait_for_log(" 504 ", 5s));
  CHECK(p.log().find(" sH-- ") != std::string::npos);
}

TEST_CASE("http: balance uri sends a path to the same server", "[proxyd][http]") {
  HttpBackend a("a"), b("b"), c("c");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\nbalance = uri\nhash_type = consistent\n" + server_line(a) +
          server_line(b) + server_line(c));
  HttpClient client;
  std::set<std::string> servers_seen;
  for (int path = 0; path < 12; ++path) {
    const auto url = p.url(fmt::format("/item/{}", path));
    const auto first = client.get(url).body;
    for (int i = 0; i < 3; ++i) CHECK(client.get(url).body == first);
    servers_seen.insert(first);
  }
  CHECK(servers_seen.size() >= 2);
}

TEST_CASE("http: Expect: 100-continue passes the interim response through", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + server_line(a));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  REQUIRE(client->send_all(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"));
  // The body is sent only once the server said to go on.
  CHECK(client->read_line() == "HTTP/1.1 100 Continue\r");
  CHECK(client->read_line() == "\r");
  REQUIRE(client->send_all("hello"));
  const auto rest = client->read_to_end();
  REQUIRE(rest);
  CHECK(rest->starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(rest->ends_with("\r\n\r\nhello"));
}

TEST_CASE("http: header rules rewrite requests and responses; balance hdr() follows a header", "[proxyd][http]") {
  HttpBackend a("a"), b("b"), c("c");
  Proxy p;
  p.start(
      "[listen www]\nbind = 127.0.0.1:{port}\nbalance = hdr(X-User)\n"
      "http_request_add_header = X-Added yes\nhttp_request_set_header = X-Env prod\n"
      "http_request_del_header = X-Secret\nhttp_response_set_header = Server proxyd-test\n"
      "http_response_del_header = X-Served-By\nhttp_response_add_header = X-Frame-Options DENY\n" +
      server_line(a) + server_line(b) + server_line(c));
  HttpClient client({.headers = {"X-Env: dev", "X-Env: qa", "X-Secret: hunter2", "X-User: alice"}});
  const auto reply = client.get(p.url());
  REQUIRE(reply.status == 200);
  CHECK(reply.header("Server") == "proxyd-test");
  CHECK(reply.header("X-Served-By").empty());
  CHECK(reply.header("X-Frame-Options") == "DENY");
  std::vector<testing::ReceivedRequest> all;
  for (auto* s : {&a, &b, &c}) {
    for (const auto& r : s->requests()) all.push_back(r);
  }
  REQUIRE(all.size() == 1);
  CHECK(all[0].header("X-Added") == "yes");
  CHECK(all[0].header("X-Env") == "prod");
  CHECK(all[0].head.find("X-Env: dev") == std::string::npos);
  CHECK(all[0].head.find("hunter2") == std::string::npos);
  // The same X-User always lands on the same server.
  const auto first = reply.body;
  for (int i = 0; i < 5; ++i) CHECK(client.get(p.url()).body == first);
}

TEST_CASE("http: after a reload a keep-alive client reaches the new configuration", "[proxyd][http]") {
  HttpBackend a("a"), b("b");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + server_line(a));
  HttpClient client;
  REQUIRE(client.get(p.url()).body == "a\n");
  // Same listener, the server line changed: the idle keep-alive connection
  // is closed by the reload, and the client's next request (on a new
  // connection, as any HTTP client does) goes by the new configuration.
  std::string config;
  {
    std::ifstream in(p.config_path);
    config.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = config.find(a.endpoint());
  REQUIRE(at != std::string::npos);
  config.replace(at, a.endpoint().size(), b.endpoint());
  p.dir.write("proxyd.ini", config);
  p.daemon->signal(SIGHUP);
  REQUIRE(p.daemon->wait_for_log("reload", 5s));
  CHECK(testing::eventually([&] { return client.get(p.url()).body == "b\n"; }, 5s));
}

TEST_CASE("http: a GET whose kept server connection closed unanswered goes again, to the server its key chose",
          "[proxyd][http]") {
  HttpBackend a("a"), b("b");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\nbalance = uri\n" + server_line(a) + server_line(b));
  for (const std::string path : {"/drop-reused/1", "/drop-reused/2", "/drop-reused/3", "/drop-reused/4"}) {
    INFO(path);
    HttpClient client;
    const auto first = client.get(p.url(path));  // a new server connection: answered
    REQUIRE(first.status == 200);
    // The same client connection keeps its server connection, which the
    // server now closes unanswered: sent again on a new one, same server.
    const auto again = client.get(p.url(path));
    CHECK(again.status == 200);
    CHECK(again.header("X-Served-By") == first.header("X-Served-By"));
  }
  // Each path reached one server only (the retry kept the uri key), at
  // least three times: answered, dropped, answered (a first request may
  // have taken a pooled connection, and been dropped and re-sent too).
  std::map<std::string, std::set<std::string>> servers_of;
  std::map<std::string, int> times;
  for (const auto* backend : {&a, &b}) {
    for (const auto& r : backend->requests()) {
      servers_of[r.request_line()].insert(backend->name());
      ++times[r.request_line()];
    }
  }
  CHECK(servers_of.size() == 4);
  for (const auto& [line, servers] : servers_of) {
    INFO(line);
    CHECK(servers.size() == 1);
    CHECK(times[line] >= 3);
  }
}

TEST_CASE("http: a POST is never sent twice, even without a body (RFC 9110 9.2.2)", "[proxyd][http]") {
  HttpBackend a("a");
  Proxy p;
  p.start("[listen www]\nbind = 127.0.0.1:{port}\n" + server_line(a));
  auto client = TcpClient::connect(p.endpoint());
  REQUIRE(client);
  REQUIRE(client->send_all("GET /drop-reused HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string line;
  while (auto l = client->read_line()) {
    if (*l == "\r") break;  // end of the head
    if (line.empty()) line = *l;
  }
  REQUIRE(line == "HTTP/1.1 200 OK\r");
  REQUIRE(client->read_line() == "a");
  // No Content-Length: a bodiless POST, on the kept server connection,
  // which the server closes unanswered. It must not reach the server again.
  REQUIRE(client->send_all("POST /drop-reused HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto reply = client->read_to_end().value_or("<timeout>");
  CHECK(reply.rfind("HTTP/1.1 502 ", 0) == 0);
  std::size_t posts = 0;
  for (const auto& r : a.requests()) posts += r.request_line().starts_with("POST ") ? 1u : 0u;
  CHECK(posts == 1);
  REQUIRE(p.daemon->wait_for_log("\"POST /drop-reused HTTP/1.1\"", 5s));
  CHECK(p.log().find(" 502 ") != std::string::npos);
  CHECK(p.log().find(" SH-- ") != std::string::npos);
}
