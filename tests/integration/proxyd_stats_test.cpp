// proxyd's stats listener (HTML page, CSV, JSON, Prometheus, health
// endpoint) and runtime API (admin socket, `proxyd ctl`) against a running
// daemon and real backends on loopback.
#include <fmt/format.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "support/daemon_runner.h"
#include "support/tcp_backend.h"
#include "unit/proxyd/stats/prometheus_text.h"

using namespace std::chrono_literals;
using testing::TcpBackend;
using testing::TcpClient;

namespace {

// "admin:supersecret", base64.
const std::string kAuth = "Authorization: Basic YWRtaW46c3VwZXJzZWNyZXQ=\r\n";
const std::string kStatsKeys = "auth = admin:supersecret\nadmin = true\n";

std::string proxyd_bin() {
  return std::string(HAPAIR_BIN_DIR) + "/proxyd";
}

struct Proxy {
  testing::TempDir dir;
  std::uint16_t port = testing::free_port();
  std::uint16_t stats_port = testing::free_port();
  std::string config_path;
  std::unique_ptr<testing::DaemonRunner> daemon;

  std::string endpoint() const { return fmt::format("127.0.0.1:{}", port); }
  std::string stats() const { return fmt::format("127.0.0.1:{}", stats_port); }
  std::string socket() const { return dir.file("proxyd.sock"); }

  // <body> follows a [global] with the admin socket and a [stats] section;
  // {port} is the frontend's port.
  void write(const std::string& body, const std::string& stats_extra = kStatsKeys, const std::string& global = "") {
    config_path = dir.write(
        "proxyd.ini",
        fmt::format("[global]\nlog = stderr\npidfile = {}\nadmin_socket = {}\n{}[defaults]\ntimeout_connect = 1s\n"
                    "[stats]\nbind = {}\n{}{}",
                    dir.file("proxyd.pid"), socket(), global, stats(), stats_extra,
                    fmt::format(fmt::runtime(body), fmt::arg("port", port))));
  }
  void start(const std::string& body, const std::string& stats_extra = kStatsKeys, const std::string& global = "") {
    write(body, stats_extra, global);
    daemon = std::make_unique<testing::DaemonRunner>(std::vector<std::string>{proxyd_bin(), "-f", config_path},
                                                     dir.file("proxyd.log"));
    REQUIRE(daemon->wait_for_log("started", 10s));
  }
  std::string log() const { return daemon->log(); }
};

std::string listen_section(const std::vector<TcpBackend*>& backends, const std::string& extra = "") {
  std::string out = "[listen www]\nbind = 127.0.0.1:{port}\n" + extra;
  for (const auto* b : backends) out += fmt::format("server = {} {}\n", b->name(), b->endpoint());
  return out;
}

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Sends <request> as is and reads the reply until the server closes.
HttpReply exchange(const std::string& endpoint, const std::string& request) {
  auto client = TcpClient::connect(endpoint);
  REQUIRE(client);
  REQUIRE(client->send_all(request));
  const auto raw = client->read_to_end();
  REQUIRE(raw);
  HttpReply reply;
  const auto head_end = raw->find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  std::istringstream head(raw->substr(0, head_end));
  std::string line;
  std::getline(head, line);
  REQUIRE(line.starts_with("HTTP/1.1 "));
  reply.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    reply.headers[name] = line.substr(colon + 2);
  }
  reply.body = raw->substr(head_end + 4);
  // HEAD: the length of the body a GET would get, without the body.
  if (!request.starts_with("HEAD ")) CHECK(reply.headers.at("content-length") == std::to_string(reply.body.size()));
  return reply;
}

HttpReply get(const Proxy& p, const std::string& target, const std::string& headers = kAuth) {
  return exchange(p.stats(), fmt::format("GET {} HTTP/1.1\r\nHost: {}\r\n{}\r\n", target, p.stats(), headers));
}

HttpReply post_form(const Proxy& p, const std::string& body, const std::string& headers = kAuth) {
  return exchange(p.stats(), fmt::format("POST /stats HTTP/1.1\r\nHost: {}\r\n{}Content-Type: "
                                         "application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{}",
                                         p.stats(), headers, body.size(), body));
}

// Server rows of the page: name -> (row class, status cell text).
std::map<std::string, std::pair<std::string, std::string>> server_rows(const std::string& html,
                                                                       const std::string& backend) {
  std::map<std::string, std::pair<std::string, std::string>> rows;
  const std::regex row("<tr class=\"server ([a-z]+)\" data-backend=\"" + backend +
                       "\" data-server=\"([^\"]+)\"><td class=\"name\">[^<]*</td><td class=\"status\">([^<]*)</td>");
  for (std::sregex_iterator it(html.begin(), html.end(), row), end; it != end; ++it) {
    rows[(*it)[2]] = {(*it)[1], (*it)[3]};
  }
  return rows;
}

std::string csrf_token(const Proxy& p) {
  const auto page = get(p, "/stats");
  REQUIRE(page.status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(page.body, m, std::regex("name=\"token\" value=\"([0-9a-f]{32})\"")));
  return m[1];
}

// One command line on the admin socket; the whole answer.
std::string admin(const Proxy& p, const std::string& command) {
  common::io::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, p.socket().c_str(), sizeof address.sun_path - 1);
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const auto line = command + "\n";
  REQUIRE(::send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size()));
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd.get(), buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  return answer;
}

// Which backends serve <count> fresh connections.
std::map<std::string, int> spread(const Proxy& p, int count) {
  std::map<std::string, int> seen;
  for (int i = 0; i < count; ++i) ++seen[testing::who_serves(p.endpoint()).value_or("<none>")];
  return seen;
}

// A connection that stays open, and the server it reached.
struct LongConnection {
  std::optional<TcpClient> client;
  std::string server;

  explicit LongConnection(const Proxy& p) : client(TcpClient::connect(p.endpoint())) {
    REQUIRE(client);
    server = client->read_line().value_or("");
    REQUIRE(!server.empty());
  }
  // Still relayed both ways.
  bool alive() { return client->send_all("still there?\n") && client->read_line() == "still there?"; }
};

nlohmann::json stats_json(const Proxy& p) {
  const auto reply = get(p, "/stats;json");
  REQUIRE(reply.status == 200);
  return nlohmann::json::parse(reply.body);
}

const nlohmann::json& server_json(const nlohmann::json& doc, const std::string& name) {
  for (const auto& s : doc["backends"][0]["servers"]) {
    if (s["name"] == name) return s;
  }
  FAIL("no server " << name);
  return doc;
}

}  // namespace

TEST_CASE("the stats page has a row per server and shows one going down", "[proxyd][stats]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start(listen_section({&a, &b}, "check = tcp\ncheck_interval = 100ms\nfall = 2\n"));
  const auto page = get(p, "/stats");
  REQUIRE(page.status == 200);
  CHECK(page.headers.at("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("<title>proxyd statistics</title>") != std::string::npos);
  CHECK(page.body.find("<table class=\"proxy frontend\" id=\"frontend-www\">") != std::string::npos);
  REQUIRE(testing::eventually([&] { return server_rows(get(p, "/stats").body, "www")["a"].second == "UP"; }, 5s));
  auto rows = server_rows(get(p, "/stats").body, "www");
  REQUIRE(rows.size() == 2);
  CHECK(rows["b"] == std::pair<std::string, std::string>("up", "UP"));
  a.stop();
  REQUIRE(p.daemon->wait_for_log("Server www/a is DOWN", 5s));
  rows = server_rows(get(p, "/stats").body, "www");
  CHECK(rows["a"].first == "down");
  CHECK(rows["a"].second == "DOWN");
  CHECK(rows["b"].second == "UP");
  const auto csv = get(p, "/stats;csv");
  CHECK(csv.headers.at("content-type") == "text/csv; charset=utf-8");
  CHECK(csv.body.starts_with("# pxname,svname,"));
  CHECK(std::regex_search(csv.body, std::regex("\nwww,a,([^,]*,){13}DOWN,")));
  CHECK(std::regex_search(csv.body, std::regex("\nwww,b,([^,]*,){13}UP,")));
  const auto doc = stats_json(p);
  CHECK(server_json(doc, "a")["up"] == false);
  CHECK(server_json(doc, "a")["check"]["status"] == "L4CON");
  CHECK(server_json(doc, "b")["up"] == true);
}

TEST_CASE("stats Basic auth: 401 without or with wrong credentials, 200 with", "[proxyd][stats]") {
  TcpBackend a("a");
  Proxy p;
  p.start(listen_section({&a}));
  const auto none = get(p, "/stats", "");
  CHECK(none.status == 401);
  CHECK(none.headers.at("www-authenticate") == "Basic realm=\"proxyd statistics\", charset=\"UTF-8\"");
  CHECK(none.body.find("<table") == std::string::npos);
  CHECK(get(p, "/stats", "Authorization: Basic YWRtaW46d3Jvbmc=\r\n").status == 401);  // admin:wrong
  CHECK(get(p, "/metrics", "").status == 401);
  CHECK(get(p, "/stats;csv", "").status == 401);
  CHECK(get(p, "/stats").status == 200);
  CHECK(get(p, "/metrics").status == 200);
  CHECK(get(p, "/healthz", "").status == 200);  // vrrpd polls it without credentials
  CHECK(get(p, "/nope").status == 404);
  CHECK(exchange(p.stats(), "GET /stats HTTP/1.1\r\n\r\n").status == 400);  // no Host
}

TEST_CASE("a server drained from the page gets no new connection while an existing one continues", "[proxyd][stats]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start(listen_section({&a, &b}));
  LongConnection held(p);
  const auto drained = held.server;
  const auto other = drained == "a" ? "b" : "a";
  const auto token = csrf_token(p);
  // A forged or stale form changes nothing.
  CHECK(post_form(p, fmt::format("token=bad&b=www&s={}&action=drain", drained)).status == 403);
  CHECK(post_form(p, fmt::format("token={}&b=www&s={}&action=drain", token, drained), "").status == 401);
  CHECK(post_form(p, fmt::format("token={}&b=www&s={}&action=drain", token, drained),
                  kAuth + "Origin: http://evil.example\r\n")
            .status == 403);
  CHECK(server_rows(get(p, "/stats").body, "www")[drained].second == "no check");
  const auto done = post_form(p, fmt::format("token={}&b=www&s={}&action=drain", token, drained),
                              kAuth + "Origin: http://" + p.stats() + "\r\n");
  CHECK(done.status == 303);
  CHECK(done.headers.at("location") == "/stats?result=done");
  CHECK(p.daemon->wait_for_log(fmt::format("Server www/{} enters drain state (stats page, 127.0.0.1:", drained), 5s));
  const auto page = get(p, "/stats?result=done");
  CHECK(page.body.find("<p class=\"notice\">Done.</p>") != std::string::npos);
  CHECK(server_rows(page.body, "www")[drained] == std::pair<std::string, std::string>("drain", "DRAIN"));
  CHECK(spread(p, 6) == std::map<std::string, int>{{other, 6}});
  CHECK(held.alive());
  CHECK(post_form(p, fmt::format("token={}&b=www&s={}&action=ready", token, drained)).status == 303);
  CHECK(spread(p, 6)[drained] >= 2);
  CHECK(post_form(p, fmt::format("token={}&b=www&s=ghost&action=maint", token)).headers.at("location") ==
        "/stats?result=no-such-server");
}

TEST_CASE("admin page actions need admin = true", "[proxyd][stats]") {
  TcpBackend a("a");
  Proxy p;
  p.start(listen_section({&a}), "auth = admin:supersecret\n");
  CHECK(get(p, "/stats").body.find("<form") == std::string::npos);
  CHECK(post_form(p, "token=x&b=www&s=a&action=maint").status == 403);
  CHECK(testing::who_serves(p.endpoint()) == "a");
}

TEST_CASE("the admin socket drains, disables, enables and reweights servers", "[proxyd][stats]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start(listen_section({&a, &b}));
  struct stat st {};
  REQUIRE(::stat(p.socket().c_str(), &st) == 0);
  CHECK(S_ISSOCK(st.st_mode));
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(admin(p, "show info").starts_with("Name: proxyd\nVersion: "));
  CHECK(admin(p, "show stat").starts_with("# pxname,svname,"));

  LongConnection held(p);
  const auto target = held.server;
  const auto other = target == "a" ? "b" : "a";
  CHECK(admin(p, fmt::format("set server www/{} state drain", target)).empty());
  CHECK(admin(p, "show servers state www").find(fmt::format(" {} 127.0.0.1 2 8 1 1 ", target)) != std::string::npos);
  CHECK(spread(p, 4) == std::map<std::string, int>{{other, 4}});
  CHECK(held.alive());

  CHECK(admin(p, fmt::format("enable server www/{}", target)).empty());
  CHECK(spread(p, 4)[target] >= 1);
  CHECK(admin(p, fmt::format("disable server www/{}", target)).empty());
  CHECK(server_rows(get(p, "/stats").body, "www")[target].second == "MAINT");
  CHECK(spread(p, 4) == std::map<std::string, int>{{other, 4}});
  CHECK(held.alive());
  CHECK(admin(p, fmt::format("enable server www/{}", target)).empty());

  CHECK(admin(p, fmt::format("set weight www/{} 0", target)).empty());
  CHECK(admin(p, fmt::format("get weight www/{}", target)) == "0 (initial 1)\n");
  CHECK(spread(p, 4) == std::map<std::string, int>{{other, 4}});
  CHECK(admin(p, fmt::format("set weight www/{} 100%; get weight www/{}", target, target)) == "1 (initial 1)\n");
  CHECK(spread(p, 4)[target] >= 1);

  CHECK(admin(p, "disable server www/ghost") == "error: no such server 'ghost' in backend 'www'\n");
  CHECK(admin(p, "set server nope/a state drain") == "error: no such backend 'nope'\n");
  CHECK(admin(p, "bogus").starts_with("error: unknown command"));
  CHECK(p.log().find(fmt::format("Server www/{} is going DOWN for maintenance (admin socket)", target)) !=
        std::string::npos);
}

TEST_CASE("proxyd ctl sends a command and prints the answer", "[proxyd][stats]") {
  TcpBackend a("a");
  Proxy p;
  p.start(listen_section({&a}));
  auto ctl = [&](std::vector<std::string> args, const std::string& out) {
    args.insert(args.begin(), proxyd_bin());
    testing::DaemonRunner run(args, p.dir.file(out));
    const auto status = run.wait_exit(10s);
    REQUIRE(status);
    return std::pair<int, std::string>(WEXITSTATUS(*status), run.log());
  };
  const auto [ok, state] = ctl({"ctl", "-s", p.socket(), "show", "servers", "state"}, "ctl1");
  CHECK(ok == 0);
  CHECK(state.find("\n1 www 1 a 127.0.0.1 2 0 1 1 ") != std::string::npos);
  // Without -s, the socket named by the configuration file.
  const auto [drained, silent] = ctl({"-f", p.config_path, "ctl", "set", "server", "www/a", "state", "drain"}, "ctl2");
  CHECK(drained == 0);
  CHECK(silent.empty());
  CHECK(admin(p, "show servers state").find(" a 127.0.0.1 2 8 ") != std::string::npos);
  const auto [failed, message] = ctl({"ctl", "-s", p.socket(), "disable", "server", "www/zz"}, "ctl3");
  CHECK(failed == 1);
  CHECK(message.find("error: no such server") != std::string::npos);
  const auto [unreachable, why] = ctl({"ctl", "-s", p.dir.file("missing.sock"), "show", "info"}, "ctl4");
  CHECK(unreachable == 1);
  CHECK(why.find("cannot connect") != std::string::npos);
}

TEST_CASE("admin_socket_mode and admin_socket_user/group set the socket's permissions and owner", "[proxyd][stats]") {
  TcpBackend a("a");
  Proxy p;
  const bool root = ::geteuid() == 0;
  p.config_path =
      p.dir.write("proxyd.ini",
                  fmt::format("[global]\nlog = stderr\npidfile = {}\nadmin_socket = {}\nadmin_socket_mode = 0640\n{}{}",
                              p.dir.file("proxyd.pid"), p.socket(),
                              root ? "admin_socket_user = nobody\nadmin_socket_group = nogroup\n" : "",
                              fmt::format(fmt::runtime(listen_section({&a})), fmt::arg("port", p.port))));
  testing::DaemonRunner daemon({proxyd_bin(), "-f", p.config_path}, p.dir.file("proxyd.log"));
  REQUIRE(daemon.wait_for_log("started", 10s));
  struct stat st {};
  REQUIRE(::stat(p.socket().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
  if (root) {
    CHECK(st.st_uid == 65534);
    CHECK(st.st_gid == 65534);
  }
  daemon.signal(SIGTERM);
  REQUIRE(daemon.wait_exit(10s));
  CHECK(::stat(p.socket().c_str(), &st) != 0);  // removed at exit
}

TEST_CASE("a server in MAINT is not checked; a drained one still is", "[proxyd][stats]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start(listen_section({&a, &b}, "check = tcp\ncheck_interval = 100ms\n"));
  admin(p, "disable server www/a");
  admin(p, "set server www/b state drain");
  auto checks = [&](const std::string& server) {
    return server_json(stats_json(p), server)["check"]["count"].get<std::uint64_t>();
  };
  const auto a0 = checks("a");
  const auto b0 = checks("b");
  std::this_thread::sleep_for(600ms);
  CHECK(checks("a") == a0);
  CHECK(checks("b") >= b0 + 3);
  const auto doc = stats_json(p);
  CHECK(server_json(doc, "a")["status"] == "MAINT");
  CHECK(server_json(doc, "b")["status"] == "DRAIN");
  admin(p, "enable server www/a");
  CHECK(testing::eventually([&] { return checks("a") > a0; }, 2s));
}

TEST_CASE("admin state survives a reload unless the server line changed", "[proxyd][stats]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  const auto body = listen_section({&a, &b});
  p.start(body);
  admin(p, "set server www/a state drain");
  admin(p, "disable server www/b");
  p.write(body);  // same file
  p.daemon->signal(SIGHUP);
  REQUIRE(p.daemon->wait_for_log("(generation 1)", 5s));
  auto state = admin(p, "show servers state");
  CHECK(state.find(" a 127.0.0.1 2 8 ") != std::string::npos);
  CHECK(state.find(" b 127.0.0.1 2 1 ") != std::string::npos);
  CHECK_FALSE(testing::who_serves(p.endpoint()));  // nothing in service
  // b's line changes (weight): the configuration wins, b is ready again.
  p.write(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}}\nserver = a {}\nserver = b {} weight=2\n", a.endpoint(),
                      b.endpoint()));
  p.daemon->signal(SIGHUP);
  REQUIRE(p.daemon->wait_for_log("(generation 2)", 5s));
  state = admin(p, "show servers state");
  CHECK(state.find(" a 127.0.0.1 2 8 ") != std::string::npos);
  CHECK(state.find(" b 127.0.0.1 2 0 2 2 ") != std::string::npos);
  CHECK(spread(p, 3) == std::map<std::string, int>{{"b", 3}});
}

TEST_CASE("Prometheus metrics parse and their counters, summed over workers, move with traffic", "[proxyd][stats]") {
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start(listen_section({&a, &b}, "check = tcp\ncheck_interval = 100ms\n"), kStatsKeys, "threads = 2\n");
  auto scrape = [&] {
    const auto reply = get(p, "/metrics");
    REQUIRE(reply.status == 200);
    CHECK(reply.headers.at("content-type") == "text/plain; version=0.0.4; charset=utf-8");
    auto e = prometheus_text::parse(reply.body);
    for (const auto& error : e.errors) FAIL_CHECK(error);
    return e;
  };
  const prometheus_text::Labels www{{"proxy", "www"}};
  const prometheus_text::Labels server_a{{"proxy", "www"}, {"server", "a"}};
  const prometheus_text::Labels server_b{{"proxy", "www"}, {"server", "b"}};
  const auto before = scrape();
  CHECK(before.value("proxyd_frontend_sessions_total", www) == 0);
  CHECK(before.value("proxyd_server_status", {{"proxy", "www"}, {"server", "a"}, {"state", "UP"}}) == 1);
  for (int i = 0; i < 8; ++i) {
    auto client = TcpClient::connect(p.endpoint());
    REQUIRE(client);
    REQUIRE(client->read_line());
    REQUIRE(client->send_all("0123456789\n"));
    REQUIRE(client->read_line() == "0123456789");
    client->shutdown_write();
    REQUIRE(client->read_to_end());
  }
  // Counters are added when a session ends, on its worker: wait for them.
  REQUIRE(testing::eventually([&] { return scrape().value("proxyd_frontend_sessions_total", www) == 8; }, 5s));
  REQUIRE(testing::eventually([&] { return scrape().value("proxyd_frontend_bytes_in_total", www) == 8 * 11; }, 5s));
  const auto after = scrape();
  CHECK(after.value("proxyd_frontend_bytes_out_total", www) == 8 * (2 + 11));
  CHECK(*after.value("proxyd_server_sessions_total", server_a) +
            *after.value("proxyd_server_sessions_total", server_b) ==
        8);
  CHECK(after.value("proxyd_backend_sessions_total", www) == 8);
  CHECK(after.value("proxyd_backend_bytes_in_total", www) == 8 * 11);
  CHECK(after.value("proxyd_server_max_sessions", server_a) >= 1);
  CHECK(after.value("proxyd_server_check_duration_seconds_count", server_a) > 0);
  CHECK(after.value("proxyd_process_healthy") == 1);
  CHECK(after.value("proxyd_process_threads") == 2);
}

TEST_CASE("request errors count bad PROXY headers; no server available is not one", "[proxyd][stats]") {
  Proxy p;
  p.start(fmt::format("[listen www]\nbind = 127.0.0.1:{{port}} accept_proxy\nserver = a 127.0.0.1:{} disabled\n",
                      testing::free_port()));
  auto request_errors = [&] {
    return prometheus_text::parse(get(p, "/metrics").body)
        .value("proxyd_frontend_request_errors_total", {{"proxy", "www"}});
  };
  auto bad = TcpClient::connect(p.endpoint());
  REQUIRE(bad->send_all("GET / HTTP/1.1\r\n\r\n"));
  CHECK_FALSE(bad->read_line());
  CHECK(testing::eventually([&] { return request_errors() == 1; }, 5s));
  auto good = TcpClient::connect(p.endpoint());
  REQUIRE(good->send_all("PROXY TCP4 203.0.113.7 10.0.0.10 40000 80\r\n"));
  CHECK_FALSE(good->read_line());  // no server: closed, counted elsewhere
  REQUIRE(p.daemon->wait_for_log("backend www has no server available!", 5s));
  CHECK(request_errors() == 1);
}

TEST_CASE("the health endpoint flips to 503 when a backend has no usable server, and back", "[proxyd][stats]") {
  auto a = std::make_unique<TcpBackend>("a");
  const auto a_endpoint = a->endpoint();
  Proxy p;
  p.start(listen_section({a.get()}, "check = tcp\ncheck_interval = 100ms\nfall = 2\nrise = 2\n"));
  auto health = [&] { return get(p, "/healthz", ""); };
  REQUIRE(health().status == 200);
  CHECK(health().body == "ok\n");
  a->stop();
  REQUIRE(testing::eventually([&] { return health().status == 503; }, 5s));
  CHECK(health().body == "backend www has no usable server\n");
  a.reset();
  a = std::make_unique<TcpBackend>("a", a_endpoint);  // the server comes back
  REQUIRE(testing::eventually([&] { return health().status == 200; }, 5s));
  admin(p, "disable server www/a");
  CHECK(health().status == 503);
  admin(p, "enable server www/a");
  CHECK(health().status == 200);
  const auto head = exchange(p.stats(), fmt::format("HEAD /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", p.stats()));
  CHECK(head.status == 200);
  CHECK(head.headers.at("content-length") == "3");
  CHECK(head.body.empty());
  // A graceful stop answers 503 at once: vrrpd moves the VIP away.
  LongConnection held(p);
  p.daemon->signal(SIGTERM);
  REQUIRE(p.daemon->wait_for_log("closing listeners", 5s));
  const auto stopping = health();
  CHECK(stopping.status == 503);
  CHECK(stopping.body.starts_with("stopping"));
}

TEST_CASE("proxyd -c warns when the stats listener has no auth beyond loopback", "[proxyd][stats]") {
  testing::TempDir dir;
  const auto port = testing::free_port();
  const auto config = dir.write("p.ini", fmt::format("[listen www]\nbind = 127.0.0.1:{}\nserver = a 127.0.0.1:1\n"
                                                     "[stats]\nbind = 0.0.0.0:{}\nadmin = true\n",
                                                     testing::free_port(), port));
  testing::DaemonRunner check({proxyd_bin(), "-c", "-f", config}, dir.file("out"));
  const auto status = check.wait_exit(10s);
  REQUIRE(status);
  CHECK(WEXITSTATUS(*status) == 0);
  CHECK(check.log().find(config + ":5: warning: [stats] binds 0.0.0.0:" + std::to_string(port) +
                         " beyond loopback without 'auth'") != std::string::npos);
  CHECK(check.log().find("bind 0.0.0.0:" + std::to_string(port) + " (stats): ok") != std::string::npos);
}

TEST_CASE("a headless browser renders the stats page", "[proxyd][stats][browser]") {
  std::string chromium;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(candidate, X_OK) == 0) chromium = candidate;
  }
  if (chromium.empty()) {
    WARN("chromium is not installed (scripts/install-deps.sh installs it): browser test skipped");
    return;
  }
  TcpBackend a("a"), b("b");
  Proxy p;
  p.start(listen_section({&a, &b}, "check = tcp\ncheck_interval = 100ms\n"), "admin = true\nrefresh = 5s\n");
  const auto output = std::filesystem::current_path() / "test-output" / "proxyd_stats";
  std::filesystem::create_directories(output);
  const auto screenshot = (output / "stats_page.png").string();
  std::filesystem::remove(screenshot);
  const auto url = fmt::format("http://{}/stats", p.stats());
  auto browse = [&](const std::string& action, const std::string& log) {
    std::vector<std::string> args{chromium,
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--disable-dev-shm-usage",
                                  "--disable-quic",
                                  "--no-first-run",
                                  "--disable-background-networking",
                                  "--disable-component-update",
                                  "--disable-sync",
                                  "--user-data-dir=" + p.dir.file("chromium-" + log),
                                  "--window-size=1280,900",
                                  action,
                                  url};
    testing::DaemonRunner run(args, p.dir.file(log));
    const auto status = run.wait_exit(90s);
    INFO(run.log());
    REQUIRE(status);
    CHECK(WEXITSTATUS(*status) == 0);
    return run.log();
  };
  browse("--screenshot=" + screenshot, "shot.log");
  REQUIRE(std::filesystem::exists(screenshot));
  CHECK(std::filesystem::file_size(screenshot) > 10'000);
  std::ifstream png(screenshot, std::ios::binary);
  char magic[8] = {};
  png.read(magic, sizeof magic);
  CHECK(std::string(magic, 8) == "\x89PNG\r\n\x1a\n");
  const auto dom = browse("--dump-dom", "dom.log");
  CHECK(dom.find("<title>proxyd statistics</title>") != std::string::npos);
  CHECK(dom.find("<table class=\"proxy backend\" id=\"backend-www\">") != std::string::npos);
  CHECK(dom.find("data-server=\"a\"") != std::string::npos);
  CHECK(dom.find("data-server=\"b\"") != std::string::npos);
  CHECK(dom.find("<button name=\"action\" value=\"drain\">drain</button>") != std::string::npos);
}
