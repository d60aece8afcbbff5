#include "proxyd/io/health_checker.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/io/socket_address.h"
#include "proxyd/core/health/health_log.h"

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
  common::io::UniqueFd fd;
  common::TimePoint started;
  common::io::IoWatcher watcher;
  common::io::TimerWatcher timeout;
};

struct HealthChecker::BackendChecks {
  BackendChecks(common::io::EventLoop& loop, BackendShared& b, std::vector<ServerShared*> checked,
                std::function<void(BackendChecks&)> on_due)
      : backend(b),
        servers(std::move(checked)),
        scheduler(servers.size(), b.config.settings.check_interval, loop.now()),
        wakeup(loop, [this, due = std::move(on_due)] { due(*this); }) {}
  BackendShared& backend;
  std::vector<ServerShared*> servers;
  health::CheckScheduler scheduler;
  std::vector<health::HealthCheck> states;
  std::vector<std::unique_ptr<Probe>> probes;
  common::io::TimerWatcher wakeup;
};

HealthChecker::HealthChecker(common::io::EventLoop& loop, common::log::Logger& logger, GenerationPtr generation)
    : loop_(loop), logger_(logger), generation_(std::move(generation)) {
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
      raw->states.emplace_back(settings.rise, settings.fall, loop_.now(),
                               up ? health::ServerHealth::Up : health::ServerHealth::Down);
      const auto index = raw->probes.size();
      raw->probes.push_back(std::make_unique<Probe>(
          loop_,
          [this, raw, index] {
            auto& probe = *raw->probes[index];
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(probe.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
            if (error == EINPROGRESS) return;
            complete(*raw, index,
                     error == 0 ? CheckResult{CheckStatus::Layer4Ok, {}, {}}
                                : CheckResult{CheckStatus::Layer4ConnectionProblem, std::strerror(error), {}});
          },
          [this, raw, index] {
            complete(*raw, index, {CheckStatus::Layer4Timeout, "check timeout", {}});
          }));
    }
    backends_.push_back(std::move(checks));
    arm(*raw);
  }
}

HealthChecker::~HealthChecker() = default;

void HealthChecker::arm(BackendChecks& checks) {
  if (const auto next = checks.scheduler.next_wakeup()) checks.wakeup.start_at(*next);
}

// A server in maintenance is not checked: its slot passes until it leaves
// MAINT, then its health is whatever the checks find from there.
void HealthChecker::run_due(BackendChecks& checks) {
  const auto now = loop_.now();
  for (const auto index : checks.scheduler.take_due(now)) {
    if (checks.servers[index]->live->admin.load(std::memory_order_relaxed) == AdminState::Maint) {
      checks.scheduler.completed(index, now);
    } else {
      start_probe(checks, index);
    }
  }
  arm(checks);
}

void HealthChecker::start_probe(BackendChecks& checks, std::size_t index) {
  auto& probe = *checks.probes[index];
  const auto& server = *checks.servers[index];
  const auto address = common::io::to_socket_address(server.config.address);
  probe.started = loop_.now();
  probe.fd.reset(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!probe.fd) {
    complete(checks, index, {CheckStatus::SocketError, std::strerror(errno), {}});
    return;
  }
  if (::connect(probe.fd.get(), address.get(), address.length) != 0 && errno != EINPROGRESS) {
    complete(checks, index, {CheckStatus::Layer4ConnectionProblem, std::strerror(errno), {}});
    return;
  }
  const auto& settings = checks.backend.config.settings;
  probe.timeout.start(settings.check_timeout.value_or(settings.check_interval));
  probe.watcher.start(probe.fd.get(), EV_WRITE);
}

void HealthChecker::complete(BackendChecks& checks, std::size_t index, CheckResult result) {
  auto& probe = *checks.probes[index];
  probe.watcher.stop();
  probe.timeout.stop();
  probe.fd.reset();
  const auto now = loop_.now();
  result.duration = std::chrono::duration_cast<common::Duration>(now - probe.started);
  checks.scheduler.completed(index, now);
  arm(checks);
  auto& server = *checks.servers[index];
  const auto transition = checks.states[index].record(result, now);
  record_history(server.live->history, checks.states[index], result, now);
  if (!transition) return;
  server.live->up.store(transition->to == health::ServerHealth::Up, std::memory_order_relaxed);
  server.live->history.health_changed(transition->to == health::ServerHealth::Up, now);
  health::BackendSummary summary;
  for (const auto& s : checks.backend.servers) {
    if (!s->live->up.load(std::memory_order_relaxed)) continue;
    ++(s->config.backup ? summary.backup_servers : summary.active_servers);
  }
  summary.sessions_active = server.live->active.load(std::memory_order_relaxed);
  summary.queued = checks.backend.queued.load(std::memory_order_relaxed);
  const bool down = transition->to == health::ServerHealth::Down;
  logger_.log(down ? Level::Warning : Level::Notice,
              health::format_transition(checks.backend.config.name, server.config.name, server.config.backup,
                                        *transition, summary));
  if (down && summary.active_servers == 0 && summary.backup_servers == 0) {
    logger_.log(Level::Error, health::format_no_server_available(checks.backend.config.name));
  }
}

}  // namespace proxyd::io
