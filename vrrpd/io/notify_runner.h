// Runs notify scripts for one instance or sync group, one at a time and in
// transition order: a MASTER -> BACKUP flap never lets the MASTER script
// finish after the BACKUP one started. Each run is logged with its argv,
// pid, exit status, duration and the first line of its stderr. Scripts run
// without a shell, as the script user, with a clean environment plus
// VRRPD_INSTANCE/GROUP, VRRPD_STATE and VRRPD_PRIORITY, and a timeout.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "common/io/process.h"
#include "common/io/unique_fd.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/core/notify/notify_plan.h"

namespace vrrpd::io {

// keepalived's notify_fifo: one line per event, written without blocking.
class NotifyFifo {
 public:
  static common::Result<std::unique_ptr<NotifyFifo>> open(const std::string& path);
  void write(const std::string& line, common::log::Logger& logger);

 private:
  common::io::UniqueFd fd_;
  std::string path_;
};

// Who scripts run as (resolved once at start).
struct ScriptIdentity {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  std::string name = "root";
};

// Resolves `script_user` (or the `vrrpd-script` user when it exists, else
// root, as keepalived does with keepalived_script).
common::Result<ScriptIdentity> resolve_script_user(const std::optional<std::string>& configured);

// Whether <program> may run as <identity>: a root script must not be
// replaceable by anyone else (every path component root-owned, not group or
// world writable). The error names the offending component.
common::Status check_script_security(const std::string& program, const ScriptIdentity& identity);

class NotifyRunner {
 public:
  NotifyRunner(common::io::EventLoop& loop, common::log::Logger& logger, std::string label, ScriptIdentity identity,
               common::Duration timeout, NotifyFifo* fifo);

  // Queues the scripts of <transition> (and writes the FIFO line now).
  void submit(const config::NotifyCommands& commands, const notify::Transition& transition);
  // Queues one command as is (master_refresh).
  void submit_command(const std::vector<std::string>& argv, const notify::Transition& transition);
  bool idle() const { return !running_ && queue_.empty(); }

 private:
  struct Job {
    std::vector<std::string> argv;
    std::vector<std::string> env;
  };
  void next();
  void finished(const Job& job, const common::io::ProcessResult& result);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  std::string label_;
  ScriptIdentity identity_;
  common::Duration timeout_;
  NotifyFifo* fifo_;
  std::deque<Job> queue_;
  std::unique_ptr<common::io::ChildProcess> running_;
  std::unique_ptr<common::io::ChildProcess> finished_child_;  // destroyed on the next run
};

// Formats argv for logs: words with blanks or quotes are quoted.
std::string format_argv(const std::vector<std::string>& argv);

}  // namespace vrrpd::io
