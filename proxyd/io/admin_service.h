// The runtime API's effects, shared by the admin socket and the stats page:
// `show` commands answer from a fresh snapshot; server commands change the
// live state (admin state, weight) that workers read at their next pick:
// drained and maintenance servers get no new connection, while the
// connections they have continue. Control thread only.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/core/log/logger.h"
#include "proxyd/core/stats/admin_command.h"
#include "proxyd/core/stats/map_command.h"
#include "proxyd/core/stats/stats_snapshot.h"
#include "proxyd/io/generation.h"

namespace proxyd::io {

class AdminService {
 public:
  struct Hooks {
    std::function<stats::StatsSnapshot()> snapshot;
    // A server may have become usable: queued sessions should look again.
    std::function<void()> servers_changed;
    // `show resolvers`: the resolver's report.
    std::function<std::string()> show_resolvers;
  };

  AdminService(common::log::Logger& logger, GenerationPtr generation, Hooks hooks);

  // After a reload: commands act on the new generation's servers.
  void set_generation(GenerationPtr generation) { generation_ = std::move(generation); }

  // Runs every command of <line> (';'-separated) for <who> (logged); the
  // answer to send back: outputs in order, failures as "error: ...".
  // <level>: what the socket may do (a command above it is refused).
  std::string execute_line(std::string_view line, std::string_view who,
                           stats::AccessLevel level = stats::AccessLevel::Admin);

  std::string execute(const stats::AdminCommand& command, std::string_view who);

 private:
  // The server <ref> names, or nullptr with <error> set.
  ServerShared* find(const stats::ServerRef& ref, std::string& error) const;
  std::string set_state(const stats::SetServerState& command, std::string_view who);
  std::string set_weight(const stats::SetWeight& command, std::string_view who);
  std::string set_addr(const stats::SetServerAddr& command, std::string_view who);
  std::string get_weight(const stats::GetWeight& command);
  std::string run_map(const stats::MapCommand& command, std::string_view text, std::string_view who);

  common::log::Logger& logger_;
  GenerationPtr generation_;
  Hooks hooks_;
};

// True when <answer> (of execute_line) reports a failure.
bool is_error_answer(std::string_view answer);

}  // namespace proxyd::io
