// Running external programs (notify scripts, track scripts, helpers) without
// a shell: argv is passed to execve(2) verbatim, so spaces, quotes and `$(…)`
// reach the program untouched. Each child leads its own process group, so a
// timeout kills everything it started. stdin/stdout are /dev/null; the first
// line of stderr is kept for the log.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "common/core/time.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"

namespace common::io {

inline constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in PATH
  // The child's whole environment ("NAME=value"); PATH=kDefaultPath is added
  // when absent. Nothing is inherited from the daemon.
  std::vector<std::string> env;
  std::optional<uid_t> uid;  // switch user (and to <gid>'s group only)
  std::optional<gid_t> gid;
  std::string cwd = "/";
  std::string stdout_file;    // empty: /dev/null; else truncated and written
  Duration timeout{0};        // 0 = no limit
  Duration kill_grace{2000};  // SIGTERM to the group at timeout, SIGKILL after this
};

struct ProcessResult {
  pid_t pid = -1;
  bool exited = false;  // normal exit, <exit_code> valid
  int exit_code = -1;
  int signal = 0;  // terminating signal when !exited
  bool timed_out = false;
  Duration duration{0};
  std::string stderr_first_line;

  bool success() const { return exited && exit_code == 0 && !timed_out; }
  // "exit status 0", "killed by signal 15 (timed out)".
  std::string describe() const;
};

// A running child, reporting its end through <on_exit> from the loop.
class ChildProcess {
 public:
  using ExitCallback = std::function<void(const ProcessResult&)>;

  // Fails (without calling <on_exit>) when the program cannot be executed:
  // not found, not executable, or the user switch was refused.
  static Result<std::unique_ptr<ChildProcess>> spawn(EventLoop& loop, const SpawnOptions& options,
                                                     ExitCallback on_exit);
  ~ChildProcess();  // a still-running child's group is killed (SIGKILL) and reaped
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return !finished_; }
  void kill_group(int signo);

 private:
  ChildProcess(EventLoop& loop, pid_t pid, UniqueFd stderr_fd, const SpawnOptions& options, ExitCallback on_exit);
  bool drain_stderr();  // true at EOF
  void on_stderr();
  void on_reaped(int status);
  void on_timeout();
  void finish_if_done();

  EventLoop& loop_;
  pid_t pid_;
  UniqueFd stderr_fd_;
  UniqueFd pidfd_;  // used on private loops (the default loop reaps via ev_child)
  ExitCallback on_exit_;
  Duration kill_grace_;
  TimePoint started_;
  ProcessResult result_;
  bool reaped_ = false;
  bool stderr_eof_ = false;
  bool finished_ = false;
  bool first_line_done_ = false;
  IoWatcher stderr_watcher_;
  IoWatcher pidfd_watcher_;
  TimerWatcher timeout_timer_;
  std::unique_ptr<ChildWatcher> child_watcher_;
};

// Runs a program to completion (blocking, on a private loop).
Result<ProcessResult> run_process(const SpawnOptions& options);

// Resolves a program name against <path_list> ("a:b:c"); names with a '/'
// are returned as they are.
Result<std::string> find_program(const std::string& name, const std::string& path_list);

}  // namespace common::io
