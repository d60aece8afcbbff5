// proxyd's rule language end to end: maps and pattern files edited live
// through the runtime API, computed backend names, and the access-control
// actions, with real HTTP servers on loopback and raw sockets as clients.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "common/io/unique_fd.h"
#include "proxyd/io/admin_client.h"
#include "support/daemon_runner.h"
#include "support/http_backend.h"
#include "support/tcp_backend.h"

using namespace std::chrono_literals;
using testing::HttpBackend;
using testing::TcpBackend;
using testing::TcpClient;

namespace {

struct Proxy {
  testing::TempDir dir;
  std::uint16_t port = testing::free_port();
  std::string config_path;
  std::unique_ptr<testing::DaemonRunner> daemon;

  std::string socket() const { return dir.file("admin.sock"); }
  // <body> follows the preamble; {port} and {dir} are substituted.
  void write(const std::string& body) {
    config_path =
        dir.write("proxyd.ini",
                  fmt::format("[global]\nlog = stderr\npidfile = {}\nadmin_socket = {}\n[defaults]\nmode = http\n"
                              "timeout_connect = 1s\ntimeout_client = 5s\ntimeout_server = 5s\n{}",
                              dir.file("proxyd.pid"), socket(),
                              fmt::format(fmt::runtime(body), fmt::arg("port", port), fmt::arg("dir", dir.path()))));
  }
  void start(const std::string& body) {
    write(body);
    daemon = std::make_unique<testing::DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", config_path}, dir.file("proxyd.log"));
    const bool started = daemon->wait_for_log("started", 10s);
    INFO(daemon->log());
    REQUIRE(started);
  }
  std::string admin(const std::string& command) const {
    auto answer = proxyd::io::admin_request(socket(), command);
    REQUIRE(answer);
    return *answer;
  }
  // The whole reply to a GET of <path> with <headers>.
  std::string get(const std::string& path, const std::string& headers = "Host: www.example.org\r\n") const {
    auto client = TcpClient::connect(fmt::format("127.0.0.1:{}", port));
    REQUIRE(client);
    REQUIRE(client->send_all(fmt::format("GET {} HTTP/1.1\r\n{}Connection: close\r\n\r\n", path, headers)));
    return client->read_to_end().value_or("<timeout>");
  }
  std::string served_by(const std::string& host) const {
    const auto reply = get("/", "Host: " + host + "\r\n");
    const auto at = reply.find("X-Served-By: ");
    return at == std::string::npos ? reply.substr(0, 12) : reply.substr(at + 13, reply.find("\r\n", at) - at - 13);
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("rules: a map edited through the runtime API reroutes without reload; commit keeps it",
          "[proxyd][http][rules]") {
  HttpBackend a("a"), b("b"), web("web");
  Proxy p;
  const auto map = p.dir.write("hosts.map", "# host backend\na.example.org be_a\n");
  p.start(
      fmt::format("[frontend www]\nbind = 127.0.0.1:{{port}}\nbackend = be_web\n"
                  "use_backend = %[req.hdr(host),lower,field(1,:),map({}/hosts.map,be_web)]\n"
                  "[backend be_a]\nserver = a {}\n[backend be_b]\nserver = b {}\n[backend be_web]\nserver = web {}\n",
                  "{dir}", a.endpoint(), b.endpoint(), web.endpoint()));
  CHECK(p.served_by("A.example.org") == "a");
  CHECK(p.served_by("b.example.org") == "web");
  CHECK(p.admin("add map " + map + " b.example.org be_b").empty());
  CHECK(p.served_by("b.example.org") == "b");
  CHECK(p.admin("show map").find("(" + map + ")") != std::string::npos);
  CHECK(p.admin("show map #0") == "0x1 a.example.org be_a\n0x2 b.example.org be_b\n");
  CHECK(p.admin("set map #0 a.example.org be_b").empty());
  CHECK(p.served_by("a.example.org") == "b");
  CHECK(p.admin("set map #0 a.example.org be_a").empty());
  // Mistakes answer one line and change nothing.
  CHECK(p.admin("del map #0 nobody.example.org").starts_with("error: "));
  CHECK(p.admin("add map /etc/none.map x y").starts_with("error: unknown map"));
  CHECK(p.served_by("a.example.org") == "a");
  // A name that matches no backend falls back to the default one.
  CHECK(p.admin("add map #0 c.example.org be_nowhere").empty());
  CHECK(p.served_by("c.example.org") == "web");
  CHECK(p.admin("del map #0 c.example.org").empty());

  // A reload rereads the file: an edit without commit is gone, a committed one stays.
  CHECK(p.admin("commit map #0").empty());
  CHECK(read_file(map) == "a.example.org be_a\nb.example.org be_b\n");
  CHECK(p.admin("add map #0 d.example.org be_b").empty());
  CHECK(p.served_by("d.example.org") == "b");
  p.daemon->signal(SIGHUP);
  REQUIRE(p.daemon->wait_for_log("configuration reloaded", 10s));
  REQUIRE(testing::eventually([&] { return p.served_by("d.example.org") == "web"; }, 10s));
  CHECK(p.served_by("b.example.org") == "b");
}

TEST_CASE("rules: deny on a 10,000-entry pattern file, live add/del acl", "[proxyd][http][rules]") {
  HttpBackend web("web");
  Proxy p;
  std::string list;
  for (int i = 0; i < 10000; ++i) list += fmt::format("10.{}.{}.0/24\n", i / 256, i % 256);
  const auto lst = p.dir.write("blocked.lst", list);
  p.start(
      fmt::format("[frontend www]\nbind = 127.0.0.1:{{port}}\nbackend = web\n"
                  "acl = blocked src -f {}\n"
                  "acl = blocked_fwd hdr_ip(x-forwarded-for) -f {}\n"
                  "http_request = deny deny_status 403 if blocked || blocked_fwd\n"
                  "[backend web]\nserver = web {}\n",
                  lst, lst, web.endpoint()));
  auto status = [&](const std::string& xff) {
    return p.get("/", "Host: x\r\nX-Forwarded-For: " + xff + "\r\n").substr(9, 3);
  };
  CHECK(status("10.39.15.200") == "403");  // entry 9999 + 1 = 10.39.15.0/24
  CHECK(status("10.40.0.1") == "200");
  CHECK(status("127.0.0.1") == "200");
  CHECK(p.admin("add acl " + lst + " 10.40.0.0/16").empty());
  CHECK(status("10.40.0.1") == "403");
  CHECK(p.admin("add acl " + lst + " not-a-network").starts_with("error: "));
  CHECK(p.admin("get acl " + lst + " 10.40.3.3").find("found=yes, key=\"10.40.0.0/16\"") != std::string::npos);
  CHECK(p.admin("del acl " + lst + " 10.40.0.0/16").empty());
  CHECK(status("10.40.0.1") == "200");
  CHECK(p.admin("add acl " + lst + " 127.0.0.0/8").empty());
  CHECK(p.get("/").substr(9, 3) == "403");  // src itself now
}

TEST_CASE("rules: auth against a userlist, tarpit held then answered, rules see earlier edits",
          "[proxyd][http][rules]") {
  HttpBackend web("web");
  Proxy p;
  p.start(fmt::format(
      "[userlist admins]\ngroup = ops\n"
      "user = alice password $6$saltsalt$As4wrv0kZlfch1du9WeH7qhskyLriQWySXrZzynnvi46nFnNxjdpl6ksRegrrKexvhIa/"
      "Iny8S8uF3fVWTMuC1 groups ops\nuser = bob insecure-password pw\n"
      "[frontend www]\nbind = 127.0.0.1:{{port}}\nbackend = web\ntimeout_tarpit = 400ms\n"
      "acl = ops http_auth_group(admins) ops\n"
      "http_request = auth realm Admin if {{{{ path_beg /admin }}}} !ops\n"
      "http_request = tarpit if {{{{ path_beg /trap }}}}\n"
      "http_request = set-var(txn.tenant) req.hdr(x-tenant),lower\n"
      "http_request = set-header X-Tenant-Seen %[var(txn.tenant)]\n"
      "http_request = del-header X-Tenant\n"
      "http_request = deny deny_status 409 if {{{{ hdr(x-tenant) -m found }}}}\n"
      "http_response = set-header X-Req-Host %[req.hdr(host)]\n"
      "http_response = set-status 299 reason Fine if {{{{ var(txn.tenant) -m str blue }}}}\n"
      "[backend web]\nserver = web {}\n",
      web.endpoint()));
  // alice:s3cret (ops), bob:pw (no group)
  const auto alice = "Authorization: Basic YWxpY2U6czNjcmV0\r\n";
  const auto bob = "Authorization: Basic Ym9iOnB3\r\n";
  auto reply = p.get("/admin/x", "Host: h\r\n");
  CHECK(reply.substr(9, 3) == "401");
  CHECK(reply.find("WWW-Authenticate: Basic realm=\"Admin\"\r\n") != std::string::npos);
  CHECK(p.get("/admin/x", std::string("Host: h\r\n") + bob).substr(9, 3) == "401");
  CHECK(p.get("/admin/x", std::string("Host: h\r\n") + alice).substr(9, 3) == "200");

  const auto before = std::chrono::steady_clock::now();
  reply = p.get("/trap", "Host: h\r\n");
  const auto held = std::chrono::steady_clock::now() - before;
  CHECK(reply.substr(9, 3) == "500");
  CHECK(held >= 350ms);
  INFO(p.daemon->log());
  REQUIRE(p.daemon->wait_for_log(" PT-- ", 5s));

  // set-var then del-header: the deny below no longer sees the field.
  reply = p.get("/t", "Host: h\r\nX-Tenant: BLUE\r\n");
  CHECK(reply.substr(9, 3) == "299");
  CHECK(reply.find("X-Req-Host: h\r\n") != std::string::npos);
  const auto last = web.requests().back();
  CHECK(last.header("X-Tenant-Seen") == "blue");
  CHECK(last.header("X-Tenant").empty());
  REQUIRE(p.daemon->wait_for_log(" 299 ", 5s));  // logged with the status the client got
}

namespace {

// A TLS ClientHello for <sni> from openssl s_client (the server behind
// proxyd is plain TCP, so the handshake then fails: only routing matters).
void tls_hello(std::uint16_t port, const std::string& sni) {
  const auto cmd = fmt::format(
      "timeout 5 openssl s_client -connect 127.0.0.1:{} -servername {} </dev/null "
      ">/dev/null 2>&1",
      port, sni);
  [[maybe_unused]] const int rc = std::system(cmd.c_str());
}

// Connects from <source> (a loopback address) and reads until the close.
std::string from_source(std::uint16_t port, const std::string& source, const std::string& send) {
  const auto cmd = fmt::format(
      "timeout 10 python3 -c \"import socket;s=socket.socket();s.bind(('{}',0));s.connect(('127.0.0.1',{}));"
      "s.sendall(b'{}');print(s.recv(100).decode(errors='replace'))\" 2>&1",
      source, port, send);
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[256];
    while (std::fgets(buf, sizeof buf, f) != nullptr) out += buf;
    ::pclose(f);
  }
  return out;
}

}  // namespace

TEST_CASE("rules: tcp_request connection and content rules in mode tcp", "[proxyd][rules]") {
  TcpBackend good("good");
  Proxy p;
  p.start(
      fmt::format("[frontend tls_in]\nmode = tcp\nbind = 127.0.0.1:{{port}}\nbackend = good\n"
                  "tcp_request_inspect_delay = 1500ms\n"
                  "tcp_request = connection reject if {{{{ src 127.0.0.2 }}}}\n"
                  "tcp_request = content reject if {{{{ req_ssl_sni -i evil.example.org }}}}\n"
                  "tcp_request = content accept if {{{{ req_ssl_hello_type 1 }}}}\n"
                  "tcp_request = content reject\n"
                  "[backend good]\nmode = tcp\nserver = good {}\n",
                  good.endpoint()));
  // Connection reject: closed at once, no log line for it.
  CHECK(from_source(p.port, "127.0.0.2", "x").find("good") == std::string::npos);
  // A TLS hello with an accepted name reaches the server.
  tls_hello(p.port, "www.example.org");
  CHECK(testing::eventually([&] { return good.accepted() == 1; }, 5s));
  // A rejected name, plain text (no hello) and silence do not.
  tls_hello(p.port, "EVIL.example.org");
  CHECK(from_source(p.port, "127.0.0.1", "GET / HTTP/1.0").find("good") == std::string::npos);
  {
    auto silent = TcpClient::connect(fmt::format("127.0.0.1:{}", p.port));
    REQUIRE(silent);
    const auto before = std::chrono::steady_clock::now();
    CHECK(silent->read_to_end().value_or("<timeout>").empty());
    CHECK(std::chrono::steady_clock::now() - before >= 1400ms);  // held for the inspect delay, then rejected
  }
  CHECK(good.accepted() == 1);
  const auto log = p.daemon->log();
  INFO(log);
  std::size_t rejected = 0;
  for (auto at = log.find(" PR "); at != std::string::npos; at = log.find(" PR ", at + 1)) ++rejected;
  CHECK(rejected == 2);  // the content rejects with data are logged; silence and the connection reject are not
  CHECK(log.find("127.0.0.2") == std::string::npos);
}

TEST_CASE("rules: tcp_request content reject in mode http closes without a response", "[proxyd][http][rules]") {
  HttpBackend web("web");
  Proxy p;
  p.start(
      fmt::format("[frontend www]\nbind = 127.0.0.1:{{port}}\nbackend = web\n"
                  "tcp_request = content reject if {{{{ hdr(x-bad) -m found }}}}\n"
                  "tcp_request = connection set-var(sess.src) src\n"
                  "http_request = set-header X-Sess %[var(sess.src)]\n"
                  "[backend web]\nserver = web {}\n",
                  web.endpoint()));
  CHECK(p.get("/", "Host: h\r\nX-Bad: 1\r\n").empty());
  CHECK(p.get("/", "Host: h\r\n").substr(9, 3) == "200");
  CHECK(web.requests().back().header("X-Sess") == "127.0.0.1");
}

TEST_CASE("logging: several targets with level filters, captures, set-log-level, log_separate_errors",
          "[proxyd][http][rules]") {
  HttpBackend web("web");
  Proxy p;
  // A syslog collector on loopback for the second target.
  common::io::UniqueFd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(udp.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(udp.get(), reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const timeval wait{0, 300'000};
  ::setsockopt(udp.get(), SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  p.config_path = p.dir.write(
      "proxyd.ini", fmt::format("[global]\npidfile = {}\nlog = stderr format raw\nlog = udp://127.0.0.1:{} local1 err\n"
                                "[defaults]\nmode = http\ntimeout_connect = 1s\n"
                                "[frontend www]\nbind = 127.0.0.1:{}\nbackend = web\nlog_separate_errors = true\n"
                                "capture_request_header = Host len 5\ncapture_response_header = X-Served-By len 10\n"
                                "use_backend = dead if {{ path_beg /dead }}\n"
                                "http_request = set-log-level silent if {{ path /quiet }}\n"
                                "[backend web]\nserver = web {}\n[backend dead]\nserver = gone 127.0.0.1:1\n",
                                p.dir.file("proxyd.pid"), ntohs(address.sin_port), p.port, web.endpoint()));
  p.daemon = std::make_unique<testing::DaemonRunner>(
      std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", p.config_path}, p.dir.file("proxyd.log"));
  REQUIRE(p.daemon->wait_for_log("started", 10s));
  CHECK(p.get("/ok", "Host: www.example.org\r\n").substr(9, 3) == "200");
  CHECK(p.get("/quiet", "Host: q\r\n").substr(9, 3) == "200");
  CHECK(p.get("/dead", "Host: d\r\n").substr(9, 3) == "503");
  REQUIRE(p.daemon->wait_for_log("/dead", 5s));
  const auto log = p.daemon->log();
  INFO(log);
  // Raw lines (no date or tag prefix), with the captures cut to their length.
  CHECK(log.find("\n127.0.0.1:") != std::string::npos);
  CHECK(log.find(" {www.e} {web} \"GET /ok HTTP/1.1\"") != std::string::npos);
  CHECK(log.find("/quiet") == std::string::npos);
  // The err-level target got the error line only.
  std::string received;
  char buf[2048];
  for (ssize_t n; (n = ::recv(udp.get(), buf, sizeof buf, 0)) > 0;) received.append(buf, static_cast<std::size_t>(n));
  INFO(received);
  CHECK(received.find("GET /dead") != std::string::npos);
  CHECK(received.find("GET /ok") == std::string::npos);
  CHECK(received.find("<139>") != std::string::npos);  // local1 (17) * 8 + err (3)
}

TEST_CASE("rules: nbsrv and srv_is_up read the live server state", "[proxyd][http][rules]") {
  HttpBackend a("a"), spare("spare");
  Proxy p;
  p.start(
      fmt::format("[frontend www]\nbind = 127.0.0.1:{{port}}\nbackend = app\n"
                  "use_backend = spare if {{{{ nbsrv(app) lt 1 }}}}\n"
                  "http_request = set-header X-A-Up %[srv_is_up(app/a)]\n"
                  "[backend app]\nserver = a {}\n[backend spare]\nserver = spare {}\n",
                  a.endpoint(), spare.endpoint()));
  CHECK(p.served_by("h") == "a");
  CHECK(a.requests().back().header("X-A-Up") == "1");
  CHECK(p.admin("disable server app/a").empty());
  CHECK(p.served_by("h") == "spare");
  CHECK(spare.requests().back().header("X-A-Up") == "0");
  CHECK(p.admin("enable server app/a").empty());
  CHECK(p.served_by("h") == "a");
}

TEST_CASE("runtime API on TCP with a level: a user socket reads, only admin changes", "[proxyd][stats][rules]") {
  HttpBackend a("a");
  Proxy p;
  const auto user_port = testing::free_port();
  p.config_path = p.dir.write(
      "proxyd.ini",
      fmt::format(
          "[global]\nlog = stderr\npidfile = {}\nadmin_socket = {}\nadmin_socket = ipv4@127.0.0.1:{} level user\n"
          "[defaults]\nmode = http\n[listen www]\nbind = 127.0.0.1:{}\nserver = a {}\n",
          p.dir.file("proxyd.pid"), p.socket(), user_port, p.port, a.endpoint()));
  p.daemon = std::make_unique<testing::DaemonRunner>(
      std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", p.config_path}, p.dir.file("proxyd.log"));
  REQUIRE(p.daemon->wait_for_log("started", 10s));
  auto over_tcp = [&](const std::string& command) {
    auto client = TcpClient::connect(fmt::format("127.0.0.1:{}", user_port));
    REQUIRE(client);
    REQUIRE(client->send_all(command + "\n"));
    return client->read_to_end().value_or("<timeout>");
  };
  CHECK(over_tcp("show stat").starts_with("# pxname,svname,"));
  CHECK(over_tcp("disable server www/a").starts_with("error: permission denied"));
  CHECK(over_tcp("show sess").starts_with("error: permission denied"));
  CHECK(p.admin("disable server www/a").empty());  // the Unix socket is admin
  CHECK(over_tcp("show servers state www").find(" a ") != std::string::npos);
}
