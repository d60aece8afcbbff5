#include "vrrpd/io/tracker_set.h"

#include "common/io/accounts.h"
#include "vrrpd/io/file_tracker.h"
#include "vrrpd/io/http_tracker.h"
#include "vrrpd/io/interface_info.h"
#include "vrrpd/io/pid_tracker.h"
#include "vrrpd/io/script_tracker.h"

namespace vrrpd::io {

TrackerSet::TrackerSet(common::io::EventLoop& loop, common::log::Logger& logger, const config::VrrpConfig& config,
                       const ScriptIdentity& script_identity, Changed changed)
    : changed_(std::move(changed)), logger_(logger) {
  for (const auto& t : config.trackers) {
    auto report = [this, name = t.name](bool ok, const std::string& reason) { changed_(name, ok, reason); };
    if (std::holds_alternative<config::TrackPid>(t.spec)) {
      trackers_[t.name] = std::make_unique<PidTracker>(loop, logger, t, report);
    } else if (std::holds_alternative<config::TrackFile>(t.spec)) {
      trackers_[t.name] = std::make_unique<FileTracker>(loop, logger, t, report);
    } else if (std::holds_alternative<config::TrackHttp>(t.spec)) {
      trackers_[t.name] = std::make_unique<HttpTracker>(loop, logger, t, report);
    } else if (const auto* script = std::get_if<config::TrackScript>(&t.spec)) {
      ScriptIdentity identity = script_identity;
      if (script->user) {
        if (auto account = common::io::lookup_user(*script->user)) {
          identity = {account->uid, account->gid, account->name};
        } else {
          logger.error("VRRP_Script({}): {}; running as {}", t.name, account.error().describe(), identity.name);
        }
      }
      trackers_[t.name] = std::make_unique<ScriptTracker>(loop, logger, t, identity, report);
    } else {
      const auto& interface = std::get<config::TrackInterface>(t.spec).interface;
      interface_of_[t.name] = interface;
      const auto info = read_interface(interface);
      interface_up_[t.name] = info && info->up;
    }
  }
}

void TrackerSet::start() {
  for (auto& [name, tracker] : trackers_) tracker->start();
  for (const auto& [name, up] : interface_up_) {
    if (!up) changed_(name, false, "interface " + interface_of_.at(name) + " is down");
  }
}

bool TrackerSet::ok(const std::string& name) const {
  if (const auto it = trackers_.find(name); it != trackers_.end()) return it->second->ok();
  if (const auto it = interface_up_.find(name); it != interface_up_.end()) return it->second;
  return true;
}

std::optional<std::int64_t> TrackerSet::value(const std::string& name) const {
  const auto it = trackers_.find(name);
  return it != trackers_.end() ? it->second->value() : std::nullopt;
}

void TrackerSet::on_link(const std::string& interface, bool up) {
  for (auto& [name, state] : interface_up_) {
    if (interface_of_.at(name) != interface || state == up) continue;
    state = up;
    logger_.log(up ? common::log::Level::Info : common::log::Level::Warning,
                "Track interface " + name + ": " + interface + (up ? " is up" : " is down"));
    changed_(name, up, "interface " + interface + (up ? " is up" : " is down"));
  }
}

}  // namespace vrrpd::io
