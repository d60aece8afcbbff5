// Every tracker of a configuration, started once and shared by the
// instances that reference them; reports each state change by name.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/io/notify_runner.h"
#include "vrrpd/io/tracker.h"

namespace vrrpd::io {

class TrackerSet {
 public:
  using Changed = std::function<void(const std::string& tracker, bool ok, const std::string& reason)>;

  // <script_identity> is the default user of track scripts (`user` overrides).
  TrackerSet(common::io::EventLoop& loop, common::log::Logger& logger, const config::VrrpConfig& config,
             const ScriptIdentity& script_identity, Changed changed);
  void start();
  bool ok(const std::string& name) const;
  std::optional<std::int64_t> value(const std::string& name) const;
  // Link events, for track_interface.
  void on_link(const std::string& interface, bool up);

 private:
  Changed changed_;
  common::log::Logger& logger_;
  std::map<std::string, std::unique_ptr<Tracker>> trackers_;
  std::map<std::string, std::string> interface_of_;  // track_interface name -> interface
  std::map<std::string, bool> interface_up_;         // by tracker name
};

}  // namespace vrrpd::io
