// The real floatip binary against a fake DigitalOcean API and metadata
// service: a small blocking HTTP/1.1 server on 127.0.0.1 (port 0) in a
// thread, answering scripted responses per "METHOD /path" and recording
// every request with its headers and body. No root, loopback only.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/daemon_runner.h"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kFloatip = std::string(HAPAIR_BIN_DIR) + "/floatip";
const std::string kNotifyScript = std::string(HAPAIR_SOURCE_DIR) + "/scripts/notify_master.sh";
const std::string kToken = "dop_v1_integration_secret_4242";
const std::string kMetadataId = "GET /metadata/v1/id";
const std::string kGetIp = "GET /v2/reserved_ips/203.0.113.10";
const std::string kPostIp = "POST /v2/reserved_ips/203.0.113.10/actions";

struct Response {
  Response(int status_code, std::string body_text, std::chrono::milliseconds delay_before = 0ms)
      : status(status_code), body(std::move(body_text)), delay(delay_before) {}
  int status;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay;  // before answering
};

struct Request {
  std::string route;                           // "GET /v2/..."
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  Clock::time_point at;
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One request read off <fd>, or nothing if the client hung up early.
std::optional<Request> read_request(int fd) {
  std::string data;
  char buf[4096];
  std::size_t header_end = std::string::npos;
  std::size_t body_size = 0;
  while (header_end == std::string::npos || data.size() < header_end + 4 + body_size) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    data.append(buf, static_cast<std::size_t>(n));
    if (header_end != std::string::npos || (header_end = data.find("\r\n\r\n")) == std::string::npos) continue;
    const auto cl = lower(data.substr(0, header_end)).find("\r\ncontent-length:");
    if (cl != std::string::npos) body_size = std::stoul(data.substr(cl + 17));
  }
  Request request{{}, {}, data.substr(header_end + 4, body_size), Clock::now()};
  std::istringstream head(data.substr(0, header_end));
  std::string method, target, line;
  head >> method >> target;
  request.route = method + " " + target;
  std::getline(head, line);  // the rest of the request line
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto value_start = line.find_first_not_of(' ', colon + 1);
    request.headers[lower(line.substr(0, colon))] = value_start == std::string::npos ? "" : line.substr(value_start);
  }
  return request;
}

void write_response(int fd, const Response& r) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " Scripted\r\nContent-Type: application/json\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(r.body.size()) + "\r\nConnection: close\r\n\r\n" + r.body;
  for (std::size_t sent = 0; sent < out.size();) {
    const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

class FakeDoServer {
 public:
  FakeDoServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listen_fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listen_fd_, 16) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeDoServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  FakeDoServer(const FakeDoServer&) = delete;
  FakeDoServer& operator=(const FakeDoServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Responses for <route>, in order; the last one repeats.
  void on(const std::string& route, std::vector<Response> responses) {
    std::lock_guard lock(mutex_);
    for (auto& r : responses) routes_[route].push_back(std::move(r));
  }
  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count(const std::string& route) const {
    std::size_t n = 0;
    for (const auto& r : requests()) n += r.route == route ? 1u : 0u;
    return n;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const timeval timeout{5, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      if (auto request = read_request(fd)) {
        const Response response = record(std::move(*request));
        std::this_thread::sleep_for(response.delay);
        write_response(fd, response);
      }
      ::close(fd);
    }
  }

  Response record(Request request) {
    std::lock_guard lock(mutex_);
    auto it = routes_.find(request.route);
    requests_.push_back(std::move(request));
    if (it == routes_.end()) {
      return {404, R"({"id":"not_found","message":"The resource you were accessing could not be found.")"
                   R"(,"request_id":"fake-404"})"};
    }
    Response r = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    return r;
  }

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<Response>> routes_;
  std::vector<Request> requests_;
};

Response ip_held_by(const std::string& droplet, bool locked = false) {
  return {200, R"({"reserved_ip":{"ip":"203.0.113.10","droplet":)" + droplet + R"(,"locked":)" +
                   (locked ? "true" : "false") + R"(,"region":{"slug":"nyc3"}}})"};
}

Response action(int status, const std::string& id, const std::string& state) {
  return {status, R"({"action":{"id":)" + id + R"(,"status":")" + state + R"(","type":"assign_ip"}})"};
}

Response do_error(int status, const std::string& id, const std::string& message) {
  return {status, R"({"id":")" + id + R"(","message":")" + message + R"(","request_id":"req-)" +
                      std::to_string(status) + R"("})"};
}

struct Run {
  int exit_code = -1;
  std::string output;  // stdout + stderr
  std::chrono::milliseconds took{0};
};

// A token file of <mode> in <dir>.
std::string token_file(const testing::TempDir& dir, mode_t mode) {
  const auto path = dir.write("do-token", kToken + "\n");
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

std::vector<std::string> floatip_argv(const FakeDoServer& server, const std::string& token_path,
                                      std::vector<std::string> extra) {
  std::vector<std::string> argv{kFloatip, "--ip",       "203.0.113.10", "--token-file", token_path,
                                "--api",  server.url(), "--metadata",   server.url(),   "-v"};
  // Appended: a repeated option overrides the default above.
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

Run finish(testing::DaemonRunner& process, Clock::time_point started) {
  const auto status = process.wait_exit(60s);
  REQUIRE(status);
  REQUIRE(WIFEXITED(*status));
  return {WEXITSTATUS(*status), process.log(),
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)};
}

Run run_floatip(const FakeDoServer& server, std::vector<std::string> extra, mode_t token_mode = 0600) {
  testing::TempDir dir;
  const auto started = Clock::now();
  testing::DaemonRunner process(floatip_argv(server, token_file(dir, token_mode), std::move(extra)), dir.file("out"));
  return finish(process, started);
}

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("floatip assign: already ours succeeds at once; the token is only in the Authorization header", "[floatip]") {
  FakeDoServer server;
  // A slow metadata answer keeps the process alive while its argv is read.
  server.on(kMetadataId, {Response(200, "111\n", 300ms)});
  server.on(kGetIp, {ip_held_by(R"({"id":111})")});
  testing::TempDir dir;
  const auto started = Clock::now();
  testing::DaemonRunner process(floatip_argv(server, token_file(dir, 0600), {"assign"}), dir.file("out"));
  REQUIRE(testing::eventually([&] { return server.count(kMetadataId) == 1; }, 10s));
  std::ifstream cmdline("/proc/" + std::to_string(process.pid()) + "/cmdline");
  const std::string argv((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  CHECK(has(argv, "203.0.113.10"));
  CHECK_FALSE(has(argv, kToken));
  const auto run = finish(process, started);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(has(run.output, "203.0.113.10 is already assigned to this droplet (111); nothing to do"));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].headers.count("authorization") == 0);
  CHECK(requests[1].headers.at("authorization") == "Bearer " + kToken);
  CHECK(has(requests[1].headers.at("user-agent"), "floatip"));
  CHECK_FALSE(has(run.output, kToken));
}

TEST_CASE("floatip assign: 201, then polled until completed", "[floatip]") {
  FakeDoServer server;
  server.on(kMetadataId, {{200, "111"}});
  server.on(kGetIp, {ip_held_by(R"({"id":222})")});
  server.on(kPostIp, {action(201, "42", "in-progress")});
  server.on("GET /v2/reserved_ips/203.0.113.10/actions/42",
            {action(200, "42", "in-progress"), action(200, "42", "completed")});
  const auto run = run_floatip(server, {"assign"});
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(has(run.output, "203.0.113.10 assigned to droplet 111 (action 42)"));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[2].route == kPostIp);
  CHECK(requests[2].body == R"({"type":"assign","droplet_id":111})");
  CHECK(requests[2].headers.at("content-type") == "application/json");
  CHECK(requests[2].headers.at("authorization") == "Bearer " + kToken);
  // Every attempt is logged with method, path, result, attempt and elapsed time.
  CHECK(has(run.output, "POST /v2/reserved_ips/203.0.113.10/actions: HTTP 201 (attempt 3, "));
  CHECK(has(run.output, "assign action 42 is completed"));
}

TEST_CASE("floatip assign: 422 pending event twice, then success", "[floatip]") {
  FakeDoServer server;
  server.on(kMetadataId, {{200, "111"}});
  server.on(kGetIp, {ip_held_by(R"({"id":222})")});
  const auto busy = do_error(422, "unprocessable_entity", "The floating IP already has a pending event.");
  server.on(kPostIp, {busy, busy, action(201, "43", "completed")});
  const auto run = run_floatip(server, {"assign"});
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(server.count(kPostIp) == 3);
  CHECK(server.count(kGetIp) == 3);  // the owner is re-checked after each 422
  CHECK(has(run.output,
            "HTTP 422 unprocessable_entity: The floating IP already has a pending event. "
            "(request_id req-422)"));
}

TEST_CASE("floatip assign: 429 with Retry-After: 1 waits a second before the next POST", "[floatip]") {
  FakeDoServer server;
  server.on(kMetadataId, {{200, "111"}});
  server.on(kGetIp, {ip_held_by("null")});
  Response limited = do_error(429, "too_many_requests", "API Rate limit exceeded.");
  limited.headers = {{"Retry-After", "1"}, {"ratelimit-remaining", "0"}};
  server.on(kPostIp, {limited, action(201, "44", "completed")});
  const auto run = run_floatip(server, {"assign"});
  INFO(run.output);
  CHECK(run.exit_code == 0);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 4);
  CHECK(requests[3].route == kPostIp);
  CHECK(requests[3].at - requests[2].at >= 950ms);
  CHECK(has(run.output, "rate limited, Retry-After 1.000s"));
}

TEST_CASE("floatip assign: 401 is fatal at once with exit code 3", "[floatip]") {
  FakeDoServer server;
  server.on(kMetadataId, {{200, "111"}});
  server.on(kGetIp, {do_error(401, "unauthorized", "Unable to authenticate you")});
  const auto run = run_floatip(server, {"assign"});
  INFO(run.output);
  CHECK(run.exit_code == 3);
  CHECK(server.requests().size() == 2);
  CHECK(has(run.output,
            "cannot assign 203.0.113.10: authentication failed: HTTP 401 unauthorized: "
            "Unable to authenticate you (request_id req-401)"));
}

TEST_CASE("floatip assign: 503s until the budget is spent exit 5 within the budget", "[floatip]") {
  FakeDoServer server;
  server.on(kMetadataId, {{200, "111"}});
  server.on(kGetIp, {do_error(503, "service_unavailable", "Service Unavailable")});
  const auto run = run_floatip(server, {"assign", "--budget", "2s"});
  INFO(run.output);
  CHECK(run.exit_code == 5);
  CHECK(run.took < 4s);
  CHECK(server.count(kGetIp) >= 2);
  CHECK(has(run.output, "budget of 2.000s exhausted after"));
}

TEST_CASE("floatip refuses a token file readable by others, before any request", "[floatip]") {
  FakeDoServer server;
  const auto run = run_floatip(server, {"assign"}, 0644);
  INFO(run.output);
  CHECK(run.exit_code == 7);
  CHECK(has(run.output, "has mode 0644: group and others must have no access (chmod 600 "));
  CHECK(server.requests().empty());
}

TEST_CASE("floatip assign: an unreachable metadata service exits 8", "[floatip]") {
  FakeDoServer server;
  // A loopback port nobody listens on: connections are refused at once.
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(probe);
  const auto run =
      run_floatip(server, {"assign", "--metadata", "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))});
  INFO(run.output);
  CHECK(run.exit_code == 8);
  CHECK(server.requests().empty());
  CHECK(has(run.output, "no droplet id from http://127.0.0.1:"));
}

TEST_CASE("floatip status prints who holds the IP, via the floating_ips fallback too", "[floatip]") {
  FakeDoServer server;
  server.on(kMetadataId, {{200, "111"}});
  SECTION("reserved_ips") {
    server.on(kGetIp, {ip_held_by(R"({"id":222})", true)});
    const auto run = run_floatip(server, {"status"});
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(has(run.output,
              "203.0.113.10 is assigned to droplet 222 (not this droplet, 111); locked by a pending "
              "action\n"));
  }
  SECTION("floating_ips after a 404") {
    server.on("GET /v2/floating_ips/203.0.113.10", {{200, R"({"floating_ip":{"droplet":{"id":111},"locked":false}})"}});
    const auto run = run_floatip(server, {"status"});
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(has(run.output, "203.0.113.10 is assigned to droplet 111 (this droplet) (legacy /v2/floating_ips)\n"));
    CHECK(server.count(kGetIp) == 1);
  }
}

TEST_CASE("floatip usage errors exit 2", "[floatip]") {
  testing::TempDir dir;
  testing::DaemonRunner process({kFloatip, "assign"}, dir.file("out"));
  const auto run = finish(process, Clock::now());
  CHECK(run.exit_code == 2);
  CHECK(has(run.output, "floatip: missing --ip"));
}

TEST_CASE("notify_master.sh assigns with the settings file and ignores keepalived's arguments", "[floatip]") {
  FakeDoServer server;
  server.on(kMetadataId, {Response(200, "111")});
  server.on(kGetIp, {ip_held_by(R"({"id":222})")});
  server.on(kPostIp, {action(201, "45", "completed")});
  testing::TempDir dir;
  const auto settings = "FLOATIP_TOKEN_FILE=" + token_file(dir, 0600) +
                        "\nFLOATIP_BUDGET=10s\nFLOATIP_API=" + server.url() + "\nFLOATIP_METADATA=" + server.url() +
                        "\nFLOATIP_BIN=" + kFloatip + "\n";
  SECTION("configured") {
    const auto defaults = dir.write("vrrpd-floatip", "FLOATIP_IP=203.0.113.10\n" + settings);
    testing::DaemonRunner script(
        {"env", "FLOATIP_DEFAULTS=" + defaults, kNotifyScript, "INSTANCE", "VI_1", "MASTER", "100"}, dir.file("out"));
    const auto run = finish(script, Clock::now());
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK(server.count(kPostIp) == 1);
    CHECK(server.requests().back().body == R"({"type":"assign","droplet_id":111})");
  }
  SECTION("without FLOATIP_IP") {
    const auto defaults = dir.write("vrrpd-floatip", settings);
    testing::DaemonRunner script({"env", "FLOATIP_DEFAULTS=" + defaults, kNotifyScript}, dir.file("out"));
    const auto run = finish(script, Clock::now());
    INFO(run.output);
    CHECK(run.exit_code == 2);
    CHECK(server.requests().empty());
  }
}
