#include "proxyd/io/health_checker.h"

#include "proxyd/io/tls/tls_context.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/io/socket_address.h"
#include "proxyd/core/health/health_log.h"
#include "proxyd/core/health/http_check.h"

namespace proxyd::io {

using common::log::Level;
using health::CheckResult;
using health::CheckStatus;

namespace {

void record_history(ServerHistory& history, const health::HealthCheck& state, const CheckResult& result,
                    common::TimePoint now) {
  history.last_check = result;
  history.last_check_at = now;
  history.consecutive_successes = state.consecutive_successes();
  history.consecutive_failures = state.consecutive_failures();
  if (!health::is_success(result.status)) ++history.failed_checks;
  history.check_durations.observe(result.duration);
}

}  // namespace

struct HealthChecker::Probe {
  Probe(common::io::EventLoop& loop, std::function<void()> on_ready, std::function<void()> on_timeout)
      : watcher(loop, [f = std::move(on_ready)](int) { f(); }), timeout(loop, std::move(on_timeout)) {}
  enum class Phase { Connecting, Handshaking, Sending, Receiving };
  common::io::UniqueFd fd;
  std::unique_ptr<Stream> stream;  // HTTP checks: plain, or TLS to an `ssl` server
  common::TimePoint started;
  Phase phase = Phase::Connecting;
  std::string request;                        // HTTP checks: the bytes still to send (tcp-check: of its send step)
  std::string response;                       // HTTP checks: what the server answered so far
  std::optional<health::TcpCheckRun> script;  // check = tcp-check, redis-check, smtpchk
  bool script_tls = false;                    // the script's current connection is `connect ... ssl`
  common::io::IoWatcher watcher;
  common::io::TimerWatcher timeout;
};

// A server's check settings: the backend's, with the server line's
// overrides (inter, fastinter, downinter, rise, fall; port=, addr=).
health::CheckIntervals intervals_of(const config::ProxySettings& b, const config::Server& s) {
  const auto inter = s.inter.value_or(b.check_interval);
  return {inter, s.fastinter.value_or(inter), s.downinter.value_or(inter)};
}

std::vector<common::Duration> first_intervals(const config::ProxySettings& b,
                                              const std::vector<ServerShared*>& servers) {
  std::vector<common::Duration> out;
  for (const auto* s : servers) out.push_back(intervals_of(b, s->config).inter);
  return out;
}

struct HealthChecker::BackendChecks {
  BackendChecks(common::io::EventLoop& loop, BackendShared& b, std::vector<ServerShared*> checked,
                std::function<void(BackendChecks&)> on_due)
      : backend(b),
        servers(std::move(checked)),
        scheduler(first_intervals(b.config.settings, servers), loop.now()),
        wakeup(loop, [this, due = std::move(on_due)] { due(*this); }) {}
  BackendShared& backend;
  std::vector<ServerShared*> servers;
  health::CheckScheduler scheduler;
  std::vector<health::HealthCheck> states;
  std::vector<std::unique_ptr<Probe>> probes;
  common::io::TimerWatcher wakeup;
};

HealthChecker::HealthChecker(common::io::EventLoop& loop, common::log::Logger& logger, GenerationPtr generation,
                             ShutDownSessions shut_down_sessions)
    : loop_(loop),
      logger_(logger),
      generation_(std::move(generation)),
      shut_down_sessions_(std::move(shut_down_sessions)),
      reports_wake_(loop, [this] { on_error_reports(); }) {
  generation_->error_reports.set_wake([this] { reports_wake_.send(); });
  for (const auto& backend : generation_->backends) {
    const auto& settings = backend->config.settings;
    if (settings.check == config::CheckKind::None) continue;
    std::vector<ServerShared*> checked;
    for (const auto& s : backend->servers) {
      if (s->config.checked) checked.push_back(s.get());
    }
    if (checked.empty()) continue;
    auto checks =
        std::make_unique<BackendChecks>(loop_, *backend, std::move(checked), [this](BackendChecks& c) { run_due(c); });
    auto* raw = checks.get();
    for (auto* server : raw->servers) {
      // A server keeps the state it had before a reload.
      const bool up = server->live->up.load(std::memory_order_relaxed);
      raw->states.emplace_back(server->config.rise.value_or(settings.rise), server->config.fall.value_or(settings.fall),
                               loop_.now(), up ? health::ServerHealth::Up : health::ServerHealth::Down);
      const auto index = raw->probes.size();
      raw->probes.push_back(std::make_unique<Probe>(
          loop_, [this, raw, index] { on_ready(*raw, index); }, [this, raw, index] { on_timeout(*raw, index); }));
    }
    backends_.push_back(std::move(checks));
    arm(*raw);
  }
}

HealthChecker::~HealthChecker() {
  generation_->error_reports.set_wake({});
}

// observe: each report is a run of error_limit errors in a server's traffic.
void HealthChecker::on_error_reports() {
  for (const auto& report : generation_->error_reports.take()) {
    for (auto& checks : backends_) {
      for (std::size_t i = 0; i < checks->servers.size(); ++i) {
        if (checks->servers[i]->live == report.server) apply_report(*checks, i, report);
      }
    }
  }
}

// on_error, as HAProxy: every action also brings the next check forward to
// fastinter; a transition is applied and logged as a check's would be
// ("reason: Health analyze, info: \"Detected 10 consecutive errors, ...\"").
void HealthChecker::apply_report(BackendChecks& checks, std::size_t index, const ErrorReports::Report& report) {
  auto& server = *checks.servers[index];
  if (server.live->admin.load(std::memory_order_relaxed) == AdminState::Maint) return;
  const auto now = loop_.now();
  const auto cause = health::analyze_result(report.errors, report.last);
  auto& state = checks.states[index];
  const auto transition = health::apply_on_error(state, server.config.on_error, cause, now);
  checks.scheduler.hurry(index, now + intervals_of(checks.backend.config.settings, server.config).fastinter);
  arm(checks);
  record_history(server.live->history, state, cause, now);
  if (transition) apply_transition(checks, server, *transition, now);
}

void HealthChecker::arm(BackendChecks& checks) {
  if (const auto next = checks.scheduler.next_wakeup()) checks.wakeup.start_at(*next);
}

// A server in maintenance (or without an address) is not checked: its slot
// passes until it leaves MAINT, then its health is whatever the checks find
// from there.
void HealthChecker::run_due(BackendChecks& checks) {
  const auto now = loop_.now();
  for (const auto index : checks.scheduler.take_due(now)) {
    const auto& live = *checks.servers[index]->live;
    if (live.admin.load(std::memory_order_relaxed) == AdminState::Maint ||
        !live.resolved.load(std::memory_order_relaxed)) {
      checks.scheduler.completed(index, now);
    } else {
      start_probe(checks, index);
    }
  }
  arm(checks);
}

void HealthChecker::start_probe(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  const auto& settings = checks.backend.config.settings;
  probe.script.reset();
  std::uint16_t port = 0;
  if (settings.check == config::CheckKind::TcpCheck) {
    probe.script.emplace(settings.tcp_checks);
    port = probe.script->connect_port();  // tcp_check = connect port N
    probe.script_tls = probe.script->connect_ssl();
  }
  probe.started = loop_.now();
  probe.timeout.start(settings.check_timeout.value_or(settings.check_interval));
  connect_probe(checks, index, port);
}

// A connection for the check (again, for a tcp_check connect in mid-script)
// to the server, or check_addr/check_port, or <port> when not 0.
void HealthChecker::connect_probe(BackendChecks& checks, std::size_t index, std::uint16_t port) {
  auto& probe = *checks.probes[index];
  const auto& server = *checks.servers[index];
  auto target = server.live->address();
  if (server.config.check_addr) target = {*server.config.check_addr, target.port};  // also for unix@ servers
  if (server.config.check_port) target.port = *server.config.check_port;
  if (port != 0) target.port = port;
  const auto address = common::io::to_socket_address(target);
  probe.stream.reset();
  probe.fd.reset(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!probe.fd) {
    complete(checks, index, {CheckStatus::SocketError, std::strerror(errno), {}});
    return;
  }
  if (::connect(probe.fd.get(), address.get(), address.length) != 0 && errno != EINPROGRESS) {
    complete(checks, index, {CheckStatus::Layer4ConnectionProblem, std::strerror(errno), {}});
    return;
  }
  probe.phase = Probe::Phase::Connecting;
  probe.watcher.start(probe.fd.get(), EV_WRITE);
}

void HealthChecker::on_ready(BackendChecks& checks, std::size_t index) {
  switch (checks.probes[index]->phase) {
    case Probe::Phase::Connecting:
      on_connected(checks, index);
      return;
    case Probe::Phase::Handshaking:
      handshake(checks, index);
      return;
    case Probe::Phase::Sending:
      send_request(checks, index);
      return;
    case Probe::Phase::Receiving:
      if (checks.probes[index]->script) {
        receive_script(checks, index);
      } else {
        receive_response(checks, index);
      }
      return;
  }
}

// check_timeout covers the whole check: before the connection completes it
// is a layer-4 timeout, after it a layer-7 one (judged on what arrived).
void HealthChecker::on_timeout(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  if (probe.phase == Probe::Phase::Connecting) {
    complete(checks, index, {CheckStatus::Layer4Timeout, "check timeout", {}});
    return;
  }
  if (probe.script) {
    const auto action = probe.phase == Probe::Phase::Receiving ? probe.script->received({}, false, true)
                                                               : health::TcpCheckRun::Action{};
    complete(checks, index,
             action.kind == health::TcpCheckRun::Action::Kind::Done
                 ? action.result
                 : CheckResult{CheckStatus::Layer7Timeout, "tcp-check timeout", {}, 0});
    return;
  }
  complete(checks, index,
           health::evaluate_check_response(checks.backend.config.settings.check_expect, probe.response,
                                           health::ResponseEnd::Timeout));
}

void HealthChecker::on_connected(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  int error = 0;
  socklen_t length = sizeof error;
  ::getsockopt(probe.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
  if (error == EINPROGRESS) return;
  if (error != 0) {
    complete(checks, index, {CheckStatus::Layer4ConnectionProblem, std::strerror(error), {}});
    return;
  }
  const auto& settings = checks.backend.config.settings;
  const auto* server = checks.servers[index];
  if (probe.script) {
    probe.response.clear();
    if (!probe.script_tls) {
      probe.stream = make_plain_stream(probe.fd.get());
      continue_script(checks, index);
      return;
    }
    // connect ... ssl: the server's check_ssl settings, else its ssl ones
    // (the configuration requires one of them).
    const auto& tls = server->check_tls ? server->check_tls : server->tls;
    probe.stream = std::unique_ptr<Stream>(tls->connect(probe.fd.get()));
    probe.phase = Probe::Phase::Handshaking;
    handshake(checks, index);
    return;
  }
  if (settings.check != config::CheckKind::Http) {
    complete(checks, index, {CheckStatus::Layer4Ok, {}, {}});
    return;
  }
  probe.request = health::build_check_request(settings.http_check);
  probe.response.clear();
  // An `ssl` server is checked over TLS, as its traffic goes (not when the
  // check goes to a port of its own: Patroni's REST API beside PostgreSQL).
  // check_ssl: over TLS with its own settings, whatever the traffic does.
  const auto& tls = server->check_tls ? server->check_tls : server->config.check_port ? nullptr : server->tls;
  probe.stream = tls ? std::unique_ptr<Stream>(tls->connect(probe.fd.get())) : make_plain_stream(probe.fd.get());
  probe.phase = Probe::Phase::Handshaking;
  handshake(checks, index);
}

// Watches the socket for what the stream waits for.
void HealthChecker::wait_for(Probe& probe, StreamResult::Status status) {
  probe.watcher.update(probe.fd.get(), status == StreamResult::Status::WantWrite ? EV_WRITE : EV_READ);
}

void HealthChecker::handshake(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  const auto r = probe.stream->handshake();
  if (r.status == StreamResult::Status::WantRead || r.status == StreamResult::Status::WantWrite) {
    wait_for(probe, r.status);
    return;
  }
  if (r.status != StreamResult::Status::Ok) {
    complete(checks, index, {CheckStatus::Layer6InvalidResponse, "SSL handshake failure", {}});
    return;
  }
  if (probe.script) {
    continue_script(checks, index);
    return;
  }
  probe.phase = Probe::Phase::Sending;
  send_request(checks, index);
}

// A script's connection is up (plain, or TLS once its handshake is done).
void HealthChecker::continue_script(BackendChecks& checks, std::size_t index) {
  auto& script = *checks.probes[index]->script;
  run_script(checks, index, script.started() ? script.connected() : script.start());
}

void HealthChecker::send_request(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  while (!probe.request.empty()) {
    const auto r = probe.stream->write(probe.request);
    if (r.status == StreamResult::Status::WantRead || r.status == StreamResult::Status::WantWrite) {
      wait_for(probe, r.status);
      return;
    }
    if (r.status != StreamResult::Status::Ok) {
      complete(checks, index, {CheckStatus::Layer4ConnectionProblem, "connection lost while sending", {}});
      return;
    }
    probe.request.erase(0, r.bytes);
  }
  if (probe.script) {
    run_script(checks, index, probe.script->sent());
    return;
  }
  probe.phase = Probe::Phase::Receiving;
  receive_response(checks, index);
}

// The next step of a tcp-check script: send, receive, or the verdict.
void HealthChecker::run_script(BackendChecks& checks, std::size_t index, health::TcpCheckRun::Action action) {
  auto& probe = *checks.probes[index];
  using Kind = health::TcpCheckRun::Action::Kind;
  switch (action.kind) {
    case Kind::Send:
      probe.request = std::move(action.bytes);
      probe.phase = Probe::Phase::Sending;
      send_request(checks, index);
      return;
    case Kind::Receive:
      probe.phase = Probe::Phase::Receiving;
      receive_script(checks, index);
      return;
    case Kind::Connect:
      probe.watcher.stop();
      probe.script_tls = action.ssl;
      connect_probe(checks, index, action.port);
      return;
    case Kind::Done:
      complete(checks, index, std::move(action.result));
      return;
  }
}

void HealthChecker::receive_script(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  char buffer[4096];
  for (;;) {
    const auto r = probe.stream->read(std::span<char>(buffer, sizeof buffer));
    if (r.status == StreamResult::Status::WantRead || r.status == StreamResult::Status::WantWrite) {
      wait_for(probe, r.status);
      return;
    }
    const bool closed = r.status != StreamResult::Status::Ok;
    // After a close every expect is judged on what came (a later read sees the close again).
    auto action = probe.script->received(std::string_view(buffer, closed ? 0 : r.bytes), closed);
    if (action.kind != health::TcpCheckRun::Action::Kind::Receive) {
      run_script(checks, index, std::move(action));
      return;
    }
  }
}

void HealthChecker::receive_response(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  char buffer[4096];
  while (probe.response.size() < health::kMaxCheckResponse) {
    const auto room = std::min(sizeof buffer, health::kMaxCheckResponse - probe.response.size());
    const auto r = probe.stream->read(std::span<char>(buffer, room));
    if (r.status == StreamResult::Status::WantRead || r.status == StreamResult::Status::WantWrite) {
      wait_for(probe, r.status);
      return;
    }
    if (r.status == StreamResult::Status::Failed && probe.response.empty()) {
      complete(checks, index, {CheckStatus::Layer4ConnectionProblem, "connection reset", {}});
      return;
    }
    if (r.status != StreamResult::Status::Ok) break;  // EOF, or a reset after part of the answer: judge what came
    probe.response.append(buffer, r.bytes);
    // A server ignoring Connection: close must not turn a pass into a timeout.
    if (health::response_is_decisive(checks.backend.config.settings.check_expect, probe.response)) break;
  }
  complete(checks, index,
           health::evaluate_check_response(checks.backend.config.settings.check_expect, probe.response,
                                           health::ResponseEnd::Complete));
}

void HealthChecker::complete(BackendChecks& checks, std::size_t index, CheckResult result) {
  auto& probe = *checks.probes[index];
  probe.watcher.stop();
  probe.timeout.stop();
  probe.stream.reset();
  probe.fd.reset();
  probe.request.clear();
  probe.response.clear();
  const auto now = loop_.now();
  result.duration = std::chrono::duration_cast<common::Duration>(now - probe.started);
  auto& server = *checks.servers[index];
  const auto transition = checks.states[index].record(result, now);
  checks.scheduler.completed(
      index, now,
      health::next_check_interval(checks.states[index], intervals_of(checks.backend.config.settings, server.config)));
  arm(checks);
  record_history(server.live->history, checks.states[index], result, now);
  if (transition) apply_transition(checks, server, *transition, now);
}

void HealthChecker::apply_transition(BackendChecks& checks, const ServerShared& server,
                                     const health::HealthTransition& transition, common::TimePoint now) {
  const bool up = transition.to == health::ServerHealth::Up;
  auto& history = server.live->history;
  history.checks_up = up;
  // The agent may hold the server DOWN already: only a change of `up` acts.
  if (!server.live->set_serving_health(up && !history.agent_down, now, server.config.slowstart)) return;
  log_transition(checks, server, transition);
  end_sessions_on(checks, server, !up);
}

// on_marked_down=shutdown_sessions: the sessions of a server gone DOWN end
// (a database primary that stepped down); on_marked_up=
// shutdown_backup_sessions: a non-backup server back UP ends the sessions
// on the backups (they come back to it).
void HealthChecker::end_sessions_on(BackendChecks& checks, const ServerShared& server, bool down) {
  if (!shut_down_sessions_) return;
  if (down && server.config.on_marked_down_shutdown) shut_down_sessions_(server.live);
  if (down || server.config.backup || !server.config.on_marked_up_shutdown_backups) return;
  for (const auto& s : checks.backend.servers) {
    if (s->config.backup) shut_down_sessions_(s->live);
  }
}

void HealthChecker::log_transition(BackendChecks& checks, const ServerShared& server,
                                   const health::HealthTransition& transition) {
  health::BackendSummary summary;
  for (const auto& s : checks.backend.servers) {
    if (!s->live->up.load(std::memory_order_relaxed)) continue;
    ++(s->config.backup ? summary.backup_servers : summary.active_servers);
  }
  summary.sessions_active = server.live->active.load(std::memory_order_relaxed);
  summary.queued = checks.backend.queued.load(std::memory_order_relaxed);
  const bool down = transition.to == health::ServerHealth::Down;
  logger_.log(down ? Level::Warning : Level::Notice,
              health::format_transition(checks.backend.config.name, server.config.name, server.config.backup,
                                        transition, summary));
  if (down && summary.active_servers == 0 && summary.backup_servers == 0) {
    logger_.log(Level::Error, health::format_no_server_available(checks.backend.config.name));
  }
}

}  // namespace proxyd::io
