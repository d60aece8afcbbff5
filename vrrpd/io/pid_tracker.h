// track_pid: a process watched through a pidfd (pidfd_open + poll in the
// event loop), so its death is seen within milliseconds, with no polling.
// The pidfile is watched with inotify: a restarted process is picked up as
// soon as it writes its pidfile. `delay` tolerates a restart gap.
#pragma once

#include <optional>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "vrrpd/core/config/track_config.h"
#include "vrrpd/io/directory_watch.h"
#include "vrrpd/io/tracker.h"

namespace vrrpd::io {

class PidTracker final : public Tracker {
 public:
  PidTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
             Callback on_change);
  void start() override;
  bool ok() const override { return ok_; }

 private:
  std::optional<int> find_pid() const;
  void look();  // (re)locate the process and watch it
  void on_exit();
  void report(bool ok, const std::string& reason);

  common::log::Logger& logger_;
  std::string name_;
  config::TrackPid spec_;
  common::Duration delay_;
  Callback on_change_;
  bool ok_ = true;
  std::optional<int> pid_;
  common::io::UniqueFd pidfd_;
  common::io::IoWatcher pidfd_watcher_;
  DirectoryWatch pidfile_watch_;
  common::io::TimerWatcher retry_timer_;
  common::io::TimerWatcher delay_timer_;
};

}  // namespace vrrpd::io
