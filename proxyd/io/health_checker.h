// Health checks of every checked server of a generation, run on the control
// thread's loop: a TCP connect (`check = tcp`), or a connect followed by an
// HTTP request whose response is judged by core/health/http_check
// (`check = http`, read until EOF, 16 KiB or check_timeout; over TLS for
// an `ssl` server). Results go through the pure rise/fall state
// machine (core/health); a transition flips the server's shared `up` flag,
// which workers read on their next pick, and logs HAProxy's line.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/health/check_scheduler.h"
#include "proxyd/core/health/health_check.h"
#include "proxyd/core/health/tcp_check.h"
#include "proxyd/io/generation.h"
#include "proxyd/io/tls/stream.h"

namespace proxyd::io {

class HealthChecker {
 public:
  // Ends the sessions connected to a server, on every worker.
  using ShutDownSessions = std::function<void(std::shared_ptr<ServerLive>)>;
  HealthChecker(common::io::EventLoop& loop, common::log::Logger& logger, GenerationPtr generation,
                ShutDownSessions shut_down_sessions = {});
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

 private:
  struct Probe;
  struct BackendChecks;

  void arm(BackendChecks& checks);
  void run_due(BackendChecks& checks);
  void start_probe(BackendChecks& checks, std::size_t index);
  void connect_probe(BackendChecks& checks, std::size_t index, std::uint16_t port);
  void on_ready(BackendChecks& checks, std::size_t index);
  void on_timeout(BackendChecks& checks, std::size_t index);
  void on_connected(BackendChecks& checks, std::size_t index);
  void handshake(BackendChecks& checks, std::size_t index);
  static void wait_for(Probe& probe, StreamResult::Status status);
  void send_request(BackendChecks& checks, std::size_t index);
  void receive_response(BackendChecks& checks, std::size_t index);
  void complete(BackendChecks& checks, std::size_t index, health::CheckResult result);
  void continue_script(BackendChecks& checks, std::size_t index);
  void run_script(BackendChecks& checks, std::size_t index, health::TcpCheckRun::Action action);
  void receive_script(BackendChecks& checks, std::size_t index);
  void apply_transition(BackendChecks& checks, const ServerShared& server, const health::HealthTransition& transition,
                        common::TimePoint now);
  void log_transition(BackendChecks& checks, const ServerShared& server, const health::HealthTransition& transition);
  void end_sessions_on(BackendChecks& checks, const ServerShared& server, bool down);
  void on_error_reports();
  void apply_report(BackendChecks& checks, std::size_t index, const ErrorReports::Report& report);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  GenerationPtr generation_;
  ShutDownSessions shut_down_sessions_;
  std::vector<std::unique_ptr<BackendChecks>> backends_;
  common::io::AsyncWatcher reports_wake_;  // observe: a worker posted to generation_->error_reports
};

}  // namespace proxyd::io
