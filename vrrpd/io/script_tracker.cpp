#include "vrrpd/io/script_tracker.h"

#include <fmt/format.h>

namespace vrrpd::io {

ScriptTracker::ScriptTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
                             ScriptIdentity identity, Callback on_change)
    : loop_(loop),
      logger_(logger),
      name_(config.name),
      spec_(std::get<config::TrackScript>(config.spec)),
      identity_(std::move(identity)),
      on_change_(std::move(on_change)),
      state_(spec_.rise, spec_.fall, !spec_.init_fail),
      timer_(loop, [this] { run(); }) {}

void ScriptTracker::start() {
  run();
}

void ScriptTracker::run() {
  timer_.start(spec_.interval);
  if (child_) return;  // the previous run is still going (bounded by its timeout)
  if (auto safe = check_script_security(spec_.argv.front(), identity_); !safe) {
    logger_.error("VRRP_Script({}) {}", name_, safe.error().describe());
    finished({-1, true, 126, 0, false, {}, {}});
    return;
  }
  common::io::SpawnOptions options;
  options.argv = spec_.argv;
  options.uid = identity_.uid;
  options.gid = identity_.gid;
  options.timeout = spec_.timeout;
  options.kill_grace = common::Duration(500);
  auto child = common::io::ChildProcess::spawn(loop_, options, [this](const common::io::ProcessResult& r) {
    done_child_ = std::move(child_);  // we are inside its callback
    finished(r);
  });
  if (!child) {
    logger_.error("VRRP_Script({}) cannot run {}: {}", name_, spec_.command, child.error().describe());
    finished({-1, true, 127, 0, false, {}, {}});
    return;
  }
  child_ = std::move(*child);
}

void ScriptTracker::finished(const common::io::ProcessResult& r) {
  const int status = r.timed_out ? -1 : (r.exited ? r.exit_code : 128 + r.signal);
  if (status != last_status_.value_or(0)) {
    logger_.info("Script `{}` now returning {}", name_, status);  // keepalived's line
  }
  last_status_ = status;
  const auto change = state_.record(r.success());
  if (!change) return;
  const auto reason = *change ? std::string("succeeded") : fmt::format("failed ({})", r.describe());
  logger_.log(*change ? common::log::Level::Info : common::log::Level::Warning,
              fmt::format("VRRP_Script({}) {}", name_, reason));
  on_change_(*change, reason);
}

}  // namespace vrrpd::io
