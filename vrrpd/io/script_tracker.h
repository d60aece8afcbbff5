// track_script (keepalived's vrrp_script): runs a command every interval,
// without a shell, as its user, within its timeout; exit status 0 is a
// success. rise/fall consecutive results change the state.
#pragma once

#include <memory>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "common/io/process.h"
#include "vrrpd/core/config/track_config.h"
#include "vrrpd/core/track/check_state.h"
#include "vrrpd/io/notify_runner.h"
#include "vrrpd/io/tracker.h"

namespace vrrpd::io {

class ScriptTracker final : public Tracker {
 public:
  ScriptTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
                ScriptIdentity identity, Callback on_change);
  void start() override;
  bool ok() const override { return state_.ok(); }

 private:
  void run();
  void finished(const common::io::ProcessResult& result);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  std::string name_;
  config::TrackScript spec_;
  ScriptIdentity identity_;
  Callback on_change_;
  track::CheckState state_;
  std::optional<int> last_status_;
  std::unique_ptr<common::io::ChildProcess> child_;
  std::unique_ptr<common::io::ChildProcess> done_child_;
  common::io::TimerWatcher timer_;
};

}  // namespace vrrpd::io
