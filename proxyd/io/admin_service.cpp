#include "proxyd/io/admin_service.h"

#include <fmt/format.h>

#include "common/io/files.h"
#include "proxyd/core/stats/cli_render.h"
#include "proxyd/core/stats/csv_render.h"
#include "proxyd/core/stats/health_verdict.h"

namespace proxyd::io {
namespace {

using std::memory_order_relaxed;

constexpr std::string_view kErrorPrefix = "error: ";

std::string error(std::string_view message) {
  return fmt::format("{}{}\n", kErrorPrefix, message);
}

}  // namespace

bool is_error_answer(std::string_view answer) {
  return answer.starts_with(kErrorPrefix) || answer.find("\nerror: ") != std::string_view::npos;
}

AdminService::AdminService(common::log::Logger& logger, GenerationPtr generation, Hooks hooks)
    : logger_(logger), generation_(std::move(generation)), hooks_(std::move(hooks)) {}

namespace {

std::string permission_denied(stats::AccessLevel have, stats::AccessLevel need) {
  return error(fmt::format("permission denied: this socket's level is {}, the command needs {}",
                           stats::access_level_name(have), stats::access_level_name(need)));
}

}  // namespace

std::string AdminService::execute_line(std::string_view line, std::string_view who, stats::AccessLevel level) {
  const auto commands = stats::split_commands(line);
  if (commands.empty()) return error("empty command; 'help' lists them");
  std::string out;
  for (const auto text : commands) {
    if (auto map = stats::parse_map_command(text)) {
      if (!*map) {
        out += error((*map).error().message);
      } else if (!stats::reads_only(**map) && level != stats::AccessLevel::Admin) {
        out += permission_denied(level, stats::AccessLevel::Admin);
      } else {
        out += run_map(**map, text, who);
      }
      continue;
    }
    auto command = stats::parse_admin_command(text);
    if (!command) {
      out += error(command.error().message);
    } else if (const auto need = stats::required_level(*command); need > level) {
      out += permission_denied(level, need);
    } else {
      out += execute(*command, who);
    }
  }
  return out;
}

std::string AdminService::execute(const stats::AdminCommand& command, std::string_view who) {
  struct Visitor {
    AdminService& self;
    std::string_view who;
    std::string operator()(const stats::HelpCommand&) { return std::string(stats::admin_help()); }
    std::string operator()(const stats::ShowInfo&) { return stats::render_info(self.hooks_.snapshot()); }
    std::string operator()(const stats::ShowStat&) { return stats::render_csv(self.hooks_.snapshot()); }
    std::string operator()(const stats::ShowServersState& c) {
      if (!c.backend.empty() && self.generation_->find_backend(c.backend) == nullptr) {
        return error(fmt::format("no such backend '{}'", c.backend));
      }
      return stats::render_servers_state(self.hooks_.snapshot(), c.backend);
    }
    std::string operator()(const stats::ShowSessions&) { return stats::render_sessions(self.hooks_.snapshot()); }
    std::string operator()(const stats::ShowHealth&) {
      return stats::evaluate_health(self.hooks_.snapshot()).reason + "\n";
    }
    std::string operator()(const stats::SetServerState& c) { return self.set_state(c, who); }
    std::string operator()(const stats::SetWeight& c) { return self.set_weight(c, who); }
    std::string operator()(const stats::GetWeight& c) { return self.get_weight(c); }
    std::string operator()(const stats::SetServerAddr& c) { return self.set_addr(c, who); }
    std::string operator()(const stats::ShowResolvers&) {
      auto report = self.hooks_.show_resolvers ? self.hooks_.show_resolvers() : std::string();
      return report.empty() ? std::string("no server is resolved by a [resolvers] section\n") : report;
    }
  };
  return std::visit(Visitor{*this, who}, command);
}

std::string AdminService::run_map(const stats::MapCommand& command, std::string_view text, std::string_view who) {
  auto outcome = stats::run_map_command(command, generation_->config.library->files);
  if (!outcome) return error(outcome.error().message);
  if (outcome->write) {
    if (auto ok = common::io::write_file_atomically(outcome->write->first, outcome->write->second); !ok)
      return error(ok.error().describe());
    logger_.notice("{} written back to its file ({})", outcome->write->first, who);
  }
  if (outcome->changed) logger_.info("runtime API: {} ({})", text, who);
  return outcome->answer;
}

ServerShared* AdminService::find(const stats::ServerRef& ref, std::string& message) const {
  const auto* backend = generation_->find_backend(ref.backend);
  if (backend == nullptr) {
    message = error(fmt::format("no such backend '{}'", ref.backend));
    return nullptr;
  }
  auto* server = backend->find(ref.server);
  if (server == nullptr) message = error(fmt::format("no such server '{}' in backend '{}'", ref.server, ref.backend));
  return server;
}

std::string AdminService::set_state(const stats::SetServerState& command, std::string_view who) {
  std::string message;
  auto* server = find(command.server, message);
  if (server == nullptr) return message;
  auto& live = *server->live;
  const auto previous = live.admin.exchange(command.state, memory_order_relaxed);
  if (previous == command.state) return {};
  live.history.last_change = common::SteadyClock::now();
  if (previous == AdminState::Maint && command.state != AdminState::Maint) {
    live.came_back(live.history.last_change, server->config.slowstart);
  }
  const auto& name = command.server;
  const auto [active, backup] = generation_->find_backend(name.backend)->in_service();
  const auto sessions = live.active.load(memory_order_relaxed);
  switch (command.state) {
    case AdminState::Maint:
      logger_.warning(
          "Server {}/{} is going DOWN for maintenance ({}). {} active and {} backup servers left. {} sessions "
          "active.",
          name.backend, name.server, who, active, backup, sessions);
      break;
    case AdminState::Drain:
      logger_.notice("Server {}/{} enters drain state ({}). {} active and {} backup servers left. {} sessions active.",
                     name.backend, name.server, who, active, backup, sessions);
      break;
    case AdminState::Ready:
      logger_.notice("Server {}/{} is READY (leaving {}, {}). {} active and {} backup servers online.", name.backend,
                     name.server, stats::admin_state_name(previous), who, active, backup);
      if (hooks_.servers_changed) hooks_.servers_changed();
      break;
  }
  return {};
}

std::string AdminService::set_weight(const stats::SetWeight& command, std::string_view who) {
  std::string message;
  auto* server = find(command.server, message);
  if (server == nullptr) return message;
  const auto weight = stats::resolve_weight(command, server->config.weight);
  if (!weight) return error(weight.error().message);
  const auto previous = server->live->weight.exchange(*weight, memory_order_relaxed);
  if (previous == *weight) return {};
  logger_.notice("Server {}/{} weight changed from {} to {} ({})", command.server.backend, command.server.server,
                 previous, *weight, who);
  if (*weight > previous && hooks_.servers_changed) hooks_.servers_changed();
  return {};
}

// HAProxy's line: "app/web1 changed its IP from A to B by stats socket command".
std::string AdminService::set_addr(const stats::SetServerAddr& command, std::string_view who) {
  std::string message;
  auto* server = find(command.server, message);
  if (server == nullptr) return message;
  auto& live = *server->live;
  const auto old = live.address();
  const common::net::Endpoint next{command.address, command.port != 0 ? command.port : old.port};
  live.set_address(next);
  live.address_source = "CLI";
  const bool was_unresolved = !live.resolved.exchange(true, memory_order_relaxed);
  live.unresolved_reason.clear();
  if (old != next || was_unresolved) {
    logger_.notice("{}/{} changed its IP from {} to {} by stats socket command ({}).", command.server.backend,
                   command.server.server, was_unresolved ? std::string("(none)") : old.to_string(), next.to_string(),
                   who);
  }
  if (was_unresolved && hooks_.servers_changed) hooks_.servers_changed();
  return {};
}

std::string AdminService::get_weight(const stats::GetWeight& command) {
  std::string message;
  const auto* server = find(command.server, message);
  if (server == nullptr) return message;
  return fmt::format("{} (initial {})\n", server->live->weight.load(memory_order_relaxed), server->config.weight);
}

}  // namespace proxyd::io
