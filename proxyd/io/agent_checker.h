// HAProxy's agent check for every server with `agent_check`, on the control
// thread's loop: every agent_inter, a TCP connection to agent_addr (or the
// server's address) on agent_port, agent_send written, one line read (up to
// '\n', the close, 1 KiB or the timeout), and the reply
// (core/health/agent_reply.h) applied: weight, maxconn, admin state through
// the runtime API's own paths (logged "(agent)"), operational state through
// the server's `up` flag together with its checks. An agent that cannot be
// reached changes nothing (HAProxy: the regular check tests connectivity).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "proxyd/core/health/agent_reply.h"
#include "proxyd/core/health/check_scheduler.h"
#include "proxyd/core/stats/admin_command.h"
#include "proxyd/io/generation.h"

namespace proxyd::io {

class AgentChecker {
 public:
  // Runs an admin command as the runtime API would (its answer, "" when done).
  using Execute = std::function<std::string(const stats::AdminCommand&)>;
  // Ends the sessions on a server (on_marked_down=shutdown_sessions), on every worker.
  using ShutDownSessions = std::function<void(std::shared_ptr<ServerLive>)>;
  AgentChecker(common::io::EventLoop& loop, common::log::Logger& logger, GenerationPtr generation, Execute execute,
               std::function<void()> servers_changed, ShutDownSessions shut_down_sessions = {});
  ~AgentChecker();
  AgentChecker(const AgentChecker&) = delete;
  AgentChecker& operator=(const AgentChecker&) = delete;

 private:
  struct Agent;

  void arm();
  void run_due();
  void start(Agent& agent);
  void on_ready(Agent& agent);
  void finish(Agent& agent, bool got_reply);
  void apply(Agent& agent, const health::AgentReply& reply);
  void apply_operational(Agent& agent, bool up, const std::string& description);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  GenerationPtr generation_;
  Execute execute_;
  std::function<void()> servers_changed_;
  ShutDownSessions shut_down_sessions_;
  std::vector<std::unique_ptr<Agent>> agents_;
  std::unique_ptr<health::CheckScheduler> scheduler_;
  common::io::TimerWatcher wakeup_;
};

}  // namespace proxyd::io
