// A daemon under test: started in the background (optionally inside a
// network namespace), its stdout+stderr captured to a file, killed with
// SIGKILL when the runner goes out of scope if still alive.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace testing {

class DaemonRunner {
 public:
  // <netns>: run inside this namespace (empty: the host's).
  DaemonRunner(std::vector<std::string> argv, std::string log_path, std::string netns = {});
  ~DaemonRunner();
  DaemonRunner(const DaemonRunner&) = delete;
  DaemonRunner& operator=(const DaemonRunner&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signo) const;
  // Waits for the exit; the wait status, or nothing after <timeout>.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running();
  std::string log() const;
  // Polls the log until it contains <needle> or <timeout> passes.
  bool wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string log_path_;
};

// Polls <condition> every 10ms until true or <timeout>.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    struct timespec ts {
      0, 10'000'000
    };
    ::nanosleep(&ts, nullptr);
  }
  return condition();
}

// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Writes <content> to <name> inside the directory; returns the path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace testing
