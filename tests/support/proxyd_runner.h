// proxyd started by a test on a configuration it writes: a temporary
// directory, the admin socket in it, the daemon's log, and the preamble
// every test repeats ([global] logging to stderr, a pidfile, the admin
// socket; fast [defaults] timeouts).
#pragma once

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "proxyd/io/admin_client.h"
#include "support/daemon_runner.h"
#include "support/netns_lab.h"
#include "support/tcp_backend.h"

namespace testing {

class ProxydRunner {
 public:
  TempDir dir;
  std::uint16_t port = free_port();  // the first frontend's port, by convention

  std::string endpoint() const { return fmt::format("127.0.0.1:{}", port); }
  std::string socket() const { return dir.file("admin.sock"); }

  // [global] and [defaults] with <global>/<defaults> extra keys (mode,
  // timeouts), then <body>; {port} and {dir} in <body> are substituted.
  std::string config(const std::string& body, const std::string& defaults = "", const std::string& global = "") const {
    return fmt::format(
        "[global]\nlog = stderr\npidfile = {}\nadmin_socket = {}\n{}\n"
        "[defaults]\ntimeout_connect = 1s\ntimeout_client = 5s\ntimeout_server = 5s\ndontlognull = false\n{}\n{}",
        dir.file("proxyd.pid"), socket(), global, defaults,
        fmt::format(fmt::runtime(body), fmt::arg("port", port), fmt::arg("dir", dir.path())));
  }

  // Starts proxyd on config(...) and waits for it to serve.
  void start(const std::string& body, const std::string& defaults = "", const std::string& global = "") {
    const auto path = dir.write("proxyd.ini", config(body, defaults, global));
    daemon_ = std::make_unique<DaemonRunner>(
        std::vector<std::string>{std::string(HAPAIR_BIN_DIR) + "/proxyd", "-f", path}, dir.file("proxyd.log"));
    const bool started = daemon_->wait_for_log("started", std::chrono::seconds(10));
    INFO(daemon_->log());
    REQUIRE(started);
  }

  std::string log() const { return daemon_->log(); }
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const {
    return daemon_->wait_for_log(needle, timeout);
  }
  std::string admin(const std::string& command) const {
    auto answer = proxyd::io::admin_request(socket(), command);
    REQUIRE(answer);
    return *answer;
  }
  DaemonRunner& daemon() { return *daemon_; }

 private:
  std::unique_ptr<DaemonRunner> daemon_;
};

}  // namespace testing
