#include "proxyd/io/agent_checker.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>

#include "common/io/socket_address.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/health/health_log.h"

namespace proxyd::io {

using common::log::Level;

namespace {

constexpr std::size_t kMaxReply = 1024;

common::Duration agent_interval(const BackendShared& backend, const ServerShared& server) {
  const auto& c = server.config;
  return c.agent_inter.value_or(c.inter.value_or(backend.config.settings.check_interval));
}

}  // namespace

struct AgentChecker::Agent {
  Agent(common::io::EventLoop& loop, BackendShared& b, ServerShared& s, std::function<void(Agent&)> ready,
        std::function<void(Agent&)> expired)
      : backend(b),
        server(s),
        watcher(loop, [this, f = std::move(ready)](int) { f(*this); }),
        timeout(loop, [this, f = std::move(expired)] { f(*this); }) {}
  enum class Phase { Connecting, Sending, Receiving };
  BackendShared& backend;
  ServerShared& server;
  common::io::UniqueFd fd;
  Phase phase = Phase::Connecting;
  std::string to_send;
  std::string reply;
  common::io::IoWatcher watcher;
  common::io::TimerWatcher timeout;
};

AgentChecker::AgentChecker(common::io::EventLoop& loop, common::log::Logger& logger, GenerationPtr generation,
                           Execute execute, std::function<void()> servers_changed, ShutDownSessions shut_down_sessions)
    : loop_(loop),
      logger_(logger),
      generation_(std::move(generation)),
      execute_(std::move(execute)),
      servers_changed_(std::move(servers_changed)),
      shut_down_sessions_(std::move(shut_down_sessions)),
      wakeup_(loop, [this] { run_due(); }) {
  std::vector<common::Duration> intervals;
  for (const auto& backend : generation_->backends) {
    for (const auto& server : backend->servers) {
      if (!server->config.agent_check || !server->config.agent_port) continue;
      agents_.push_back(std::make_unique<Agent>(
          loop_, *backend, *server, [this](Agent& a) { on_ready(a); },
          [this](Agent& a) { finish(a, !a.reply.empty()); }));
      intervals.push_back(agent_interval(*backend, *server));
    }
  }
  if (agents_.empty()) return;
  scheduler_ = std::make_unique<health::CheckScheduler>(intervals, loop_.now());
  arm();
}

AgentChecker::~AgentChecker() = default;

void AgentChecker::arm() {
  if (const auto next = scheduler_->next_wakeup()) wakeup_.start_at(*next);
}

void AgentChecker::run_due() {
  for (const auto index : scheduler_->take_due(loop_.now())) start(*agents_[index]);
  arm();
}

void AgentChecker::start(Agent& agent) {
  const auto& c = agent.server.config;
  auto target = agent.server.live->address();
  if (c.agent_addr) target = {*c.agent_addr, 0};  // also for unix@ servers
  target.port = *c.agent_port;
  const auto address = common::io::to_socket_address(target);
  agent.reply.clear();
  agent.to_send = c.agent_send;
  agent.fd.reset(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!agent.fd || (::connect(agent.fd.get(), address.get(), address.length) != 0 && errno != EINPROGRESS)) {
    finish(agent, false);
    return;
  }
  agent.phase = Agent::Phase::Connecting;
  const auto& settings = agent.backend.config.settings;
  agent.timeout.start(settings.check_timeout.value_or(agent_interval(agent.backend, agent.server)));
  agent.watcher.start(agent.fd.get(), EV_WRITE);
}

void AgentChecker::on_ready(Agent& agent) {
  if (agent.phase == Agent::Phase::Connecting) {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(agent.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) return finish(agent, false);
    agent.phase = agent.to_send.empty() ? Agent::Phase::Receiving : Agent::Phase::Sending;
  }
  if (agent.phase == Agent::Phase::Sending) {
    const auto n = ::send(agent.fd.get(), agent.to_send.data(), agent.to_send.size(), MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN) return finish(agent, false);
    if (n > 0) agent.to_send.erase(0, static_cast<std::size_t>(n));
    if (!agent.to_send.empty()) return;
    agent.phase = Agent::Phase::Receiving;
    agent.watcher.start(agent.fd.get(), EV_READ);
    return;
  }
  if (agent.phase == Agent::Phase::Receiving) {
    agent.watcher.start(agent.fd.get(), EV_READ);
    char buf[512];
    const auto n = ::recv(agent.fd.get(), buf, sizeof buf, 0);
    if (n < 0 && errno == EAGAIN) return;
    if (n > 0) agent.reply.append(buf, std::min(static_cast<std::size_t>(n), kMaxReply - agent.reply.size()));
    if (n <= 0 || agent.reply.find('\n') != std::string::npos || agent.reply.size() >= kMaxReply) {
      finish(agent, !agent.reply.empty());
    }
  }
}

void AgentChecker::finish(Agent& agent, bool got_reply) {
  agent.watcher.stop();
  agent.timeout.stop();
  agent.fd.reset();
  std::size_t index = 0;
  while (agents_[index].get() != &agent) ++index;
  scheduler_->completed(index, loop_.now(), agent_interval(agent.backend, agent.server));
  arm();
  if (got_reply) apply(agent, health::parse_agent_reply(agent.reply));
}

void AgentChecker::apply(Agent& agent, const health::AgentReply& reply) {
  const stats::ServerRef ref{agent.backend.config.name, agent.server.config.name};
  auto& live = *agent.server.live;
  auto report = [&](const std::string& answer) {
    if (!answer.empty()) logger_.warning("agent of {}/{}: {}", ref.backend, ref.server, answer);
  };
  if (reply.weight_percent) {
    const auto weight = health::agent_weight(agent.server.config.weight, *reply.weight_percent);
    report(execute_(stats::SetWeight{ref, weight, false}));
  }
  if (reply.maxconn) {
    const auto previous = live.maxconn.exchange(*reply.maxconn, std::memory_order_relaxed);
    if (previous != *reply.maxconn) {
      logger_.notice("Server {}/{} maxconn changed from {} to {} (agent)", ref.backend, ref.server, previous,
                     *reply.maxconn);
      if (servers_changed_) servers_changed_();
    }
  }
  if (reply.admin) report(execute_(stats::SetServerState{ref, *reply.admin}));
  if (reply.up) apply_operational(agent, *reply.up, reply.description);
  if (!reply.unknown.empty()) {
    logger_.debug("agent of {}/{}: ignored '{}'", ref.backend, ref.server, fmt::join(reply.unknown, " "));
  }
}

// down/failed/stopped hold the server DOWN whatever its checks say; up
// hands the decision back to them (HAProxy's rule).
void AgentChecker::apply_operational(Agent& agent, bool up, const std::string& description) {
  auto& live = *agent.server.live;
  auto& history = live.history;
  if (history.agent_down == !up) return;
  history.agent_down = !up;
  const bool serving_now = up && history.checks_up;
  if (!live.set_serving_health(serving_now, loop_.now(), agent.server.config.slowstart)) return;
  const auto [active, backup] = agent.backend.in_service();
  logger_.log(
      serving_now ? Level::Notice : Level::Warning,
      health::format_agent_transition(
          agent.backend.config.name, agent.server.config.name, agent.server.config.backup,
          serving_now ? health::ServerHealth::Up : health::ServerHealth::Down, description,
          {static_cast<std::uint32_t>(active), static_cast<std::uint32_t>(backup),
           live.active.load(std::memory_order_relaxed), 0, agent.backend.queued.load(std::memory_order_relaxed)}));
  if (serving_now && servers_changed_) servers_changed_();
  if (!serving_now && agent.server.config.on_marked_down_shutdown && shut_down_sessions_) {
    shut_down_sessions_(agent.server.live);
  }
}

}  // namespace proxyd::io
