// What runs when an instance or sync group changes state, exactly as
// keepalived does it, so existing notify scripts work unchanged:
//   notify_master/backup/fault/stop: the configured command, no extra args;
//   notify: the configured command plus INSTANCE|GROUP, name,
//           MASTER|BACKUP|FAULT|STOP, priority (0 for groups).
// We run them one after the other (state hook first), never concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vrrpd/core/config/vrrp_config.h"

namespace vrrpd::notify {

enum class Subject { Instance, Group };
enum class NotifyState { Master, Backup, Fault, Stop };

std::string_view state_word(NotifyState state);  // "MASTER", ...

struct Transition {
  Subject subject = Subject::Instance;
  std::string name;
  NotifyState state = NotifyState::Backup;
  std::uint8_t priority = 0;
};

// The argv of each command to run, in order.
std::vector<std::vector<std::string>> plan(const config::NotifyCommands& commands, const Transition& transition);

// The command for <state> alone (notify-test, master_refresh).
const std::optional<config::Command>& hook_for(const config::NotifyCommands& commands, NotifyState state);

// keepalived's notify_fifo line: INSTANCE "VI_1" MASTER 200
std::string fifo_line(const Transition& transition);

// VRRPD_INSTANCE, VRRPD_STATE, VRRPD_PRIORITY (and VRRPD_GROUP for groups).
std::vector<std::string> environment(const Transition& transition);

}  // namespace vrrpd::notify
