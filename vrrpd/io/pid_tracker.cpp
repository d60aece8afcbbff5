#include "vrrpd/io/pid_tracker.h"

#include <dirent.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "common/io/pidfile.h"

namespace vrrpd::io {
namespace {

constexpr std::chrono::seconds kRetry{1};  // while the process is absent (and for `process =`)

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

PidTracker::PidTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
                       Callback on_change)
    : logger_(logger),
      name_(config.name),
      spec_(std::get<config::TrackPid>(config.spec)),
      delay_(config.delay),
      on_change_(std::move(on_change)),
      pidfd_watcher_(loop, [this](int) { on_exit(); }),
      pidfile_watch_(loop, [this] { look(); }),
      retry_timer_(loop, [this] { look(); }),
      delay_timer_(loop, [this] {
        if (!pid_) report(false, "still absent after the delay");
      }) {}

void PidTracker::start() {
  if (!spec_.pidfile.empty()) {
    if (auto watching = pidfile_watch_.watch(spec_.pidfile); !watching) {
      logger_.warning("track_pid {}: {}; a restarted process is found by the retry timer", name_,
                      watching.error().describe());
    }
  }
  look();
  if (!pid_)
    report(false, spec_.pidfile.empty() ? fmt::format("no process named {}", spec_.process)
                                        : fmt::format("no live process in {}", spec_.pidfile));
}

std::optional<int> PidTracker::find_pid() const {
  if (!spec_.pidfile.empty()) {
    auto pid = common::io::read_pidfile(spec_.pidfile);
    return pid ? std::optional<int>(*pid) : std::nullopt;
  }
  // Match /proc/PID/comm (15 characters) or argv[0]'s base name.
  std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
  if (!proc) return std::nullopt;
  while (const auto* entry = ::readdir(proc.get())) {
    const int pid = std::atoi(entry->d_name);
    if (pid <= 0 || pid == ::getpid()) continue;
    const auto base = fmt::format("/proc/{}/", pid);
    if (read_first_line(base + "comm") == spec_.process.substr(0, 15)) return pid;
    const auto argv0 = read_first_line(base + "cmdline");
    if (std::filesystem::path(argv0.c_str()).filename() == spec_.process) return pid;
  }
  return std::nullopt;
}

void PidTracker::look() {
  const auto pid = find_pid();
  if (!pid || pid == pid_) {
    if (!pid_ && !retry_timer_.active()) retry_timer_.start(kRetry, kRetry);
    return;
  }
  common::io::UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, *pid, 0)));
  // A readable pidfd means the process already exited (a zombie not yet
  // reaped by its parent still passes kill(pid, 0)): not a live process.
  pollfd probe{fd.get(), POLLIN, 0};
  if (!fd || ::poll(&probe, 1, 0) != 0) {
    if (!retry_timer_.active()) retry_timer_.start(kRetry, kRetry);
    return;
  }
  pid_ = pid;
  pidfd_ = std::move(fd);
  pidfd_watcher_.start(pidfd_.get(), EV_READ);
  retry_timer_.stop();
  delay_timer_.stop();
  logger_.info("Track pid {}: watching process {}", name_, *pid_);
  report(true, fmt::format("process {} running", *pid_));
}

void PidTracker::on_exit() {
  pidfd_watcher_.stop();
  pidfd_.reset();
  const auto pid = pid_.value_or(0);
  pid_.reset();
  logger_.warning("Track pid {} ({}) exited", name_, pid);
  look();  // a replacement may already be there
  if (pid_) return;
  if (delay_.count() > 0) {
    delay_timer_.start(delay_);
    return;
  }
  report(false, fmt::format("process {} exited", pid));
}

void PidTracker::report(bool ok, const std::string& reason) {
  if (ok == ok_) return;
  ok_ = ok;
  on_change_(ok, reason);
}

}  // namespace vrrpd::io
