#include "vrrpd/core/notify/notify_plan.h"

#include <fmt/format.h>

namespace vrrpd::notify {

std::string_view state_word(NotifyState state) {
  switch (state) {
    case NotifyState::Master:
      return "MASTER";
    case NotifyState::Backup:
      return "BACKUP";
    case NotifyState::Fault:
      return "FAULT";
    case NotifyState::Stop:
      return "STOP";
  }
  return "UNKNOWN";
}

const std::optional<config::Command>& hook_for(const config::NotifyCommands& commands, NotifyState state) {
  switch (state) {
    case NotifyState::Master:
      return commands.master;
    case NotifyState::Backup:
      return commands.backup;
    case NotifyState::Fault:
      return commands.fault;
    case NotifyState::Stop:
      return commands.stop;
  }
  return commands.stop;
}

std::vector<std::vector<std::string>> plan(const config::NotifyCommands& commands, const Transition& t) {
  std::vector<std::vector<std::string>> out;
  if (const auto& hook = hook_for(commands, t.state)) out.push_back(hook->argv);
  if (commands.generic) {
    auto argv = commands.generic->argv;
    argv.emplace_back(t.subject == Subject::Instance ? "INSTANCE" : "GROUP");
    argv.push_back(t.name);
    argv.emplace_back(state_word(t.state));
    argv.push_back(std::to_string(t.subject == Subject::Instance ? t.priority : 0));
    out.push_back(std::move(argv));
  }
  return out;
}

std::string fifo_line(const Transition& t) {
  return fmt::format("{} \"{}\" {} {}\n", t.subject == Subject::Instance ? "INSTANCE" : "GROUP", t.name,
                     state_word(t.state), t.subject == Subject::Instance ? t.priority : 0);
}

std::vector<std::string> environment(const Transition& t) {
  std::vector<std::string> env{
      fmt::format("VRRPD_{}={}", t.subject == Subject::Instance ? "INSTANCE" : "GROUP", t.name),
      fmt::format("VRRPD_STATE={}", state_word(t.state)),
      fmt::format("VRRPD_PRIORITY={}", t.priority),
  };
  return env;
}

}  // namespace vrrpd::notify
