#include "vrrpd/io/notify_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/io/accounts.h"
#include "vrrpd/core/notify/script_security.h"

namespace vrrpd::io {

using common::log::Level;

std::string format_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && a.find_first_of(" \t'\"\\$") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

common::Result<std::unique_ptr<NotifyFifo>> NotifyFifo::open(const std::string& path) {
  if (::mkfifo(path.c_str(), 0600) != 0 && errno != EEXIST) return common::sys_fail(errno, "mkfifo {}", path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode)) return common::fail("{} is not a FIFO", path);
  auto f = std::make_unique<NotifyFifo>();
  f->path_ = path;
  // Read-write: opening never blocks for lack of a reader, and writes fail
  // with EAGAIN instead of blocking when nobody drains the FIFO.
  f->fd_.reset(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!f->fd_) return common::sys_fail(errno, "open {}", path);
  return f;
}

void NotifyFifo::write(const std::string& line, common::log::Logger& logger) {
  if (::write(fd_.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    logger.warning("notify_fifo {}: line dropped ({}): {}", path_, std::strerror(errno),
                   line.substr(0, line.size() - 1));
  }
}

common::Result<ScriptIdentity> resolve_script_user(const std::optional<std::string>& configured) {
  const std::string name = configured.value_or("vrrpd-script");
  auto account = common::io::lookup_user(name);
  if (!account) {
    if (configured) return tl::unexpected(account.error());
    return ScriptIdentity{};  // no vrrpd-script user: root, like keepalived without keepalived_script
  }
  return ScriptIdentity{account->uid, account->gid, account->name};
}

common::Status check_script_security(const std::string& program, const ScriptIdentity& identity) {
  if (identity.uid && *identity.uid != 0) return {};
  auto path = common::io::find_program(program, common::io::kDefaultPath);
  if (!path) return tl::unexpected(path.error());
  std::error_code ec;
  const auto real = std::filesystem::canonical(*path, ec);
  if (ec) return common::fail("{}: {}", *path, ec.message());
  std::vector<notify::PathComponent> components;
  std::filesystem::path walk;
  for (const auto& part : real) {
    walk /= part;
    struct stat st {};
    if (::stat(walk.c_str(), &st) != 0) return common::sys_fail(errno, "stat {}", walk.string());
    components.push_back({walk.string(), st.st_uid, st.st_mode & 07777});
  }
  if (const auto why = notify::insecure_component(components)) {
    return common::fail("refusing to run {} as root: {}", real.string(), *why);
  }
  return {};
}

NotifyRunner::NotifyRunner(common::io::EventLoop& loop, common::log::Logger& logger, std::string label,
                           ScriptIdentity identity, common::Duration timeout, NotifyFifo* fifo)
    : loop_(loop),
      logger_(logger),
      label_(std::move(label)),
      identity_(std::move(identity)),
      timeout_(timeout),
      fifo_(fifo) {}

void NotifyRunner::submit(const config::NotifyCommands& commands, const notify::Transition& transition) {
  if (fifo_ != nullptr) fifo_->write(notify::fifo_line(transition), logger_);
  for (auto& argv : notify::plan(commands, transition))
    queue_.push_back({std::move(argv), notify::environment(transition)});
  if (!running_) next();
}

void NotifyRunner::submit_command(const std::vector<std::string>& argv, const notify::Transition& transition) {
  queue_.push_back({argv, notify::environment(transition)});
  if (!running_) next();
}

void NotifyRunner::next() {
  while (!running_ && !queue_.empty()) {
    Job job = std::move(queue_.front());
    queue_.pop_front();
    if (auto safe = check_script_security(job.argv.front(), identity_); !safe) {
      logger_.error("({}) {}", label_, safe.error().describe());
      continue;
    }
    common::io::SpawnOptions options;
    options.argv = job.argv;
    options.env = job.env;
    options.uid = identity_.uid;
    options.gid = identity_.gid;
    options.timeout = timeout_;
    auto child = common::io::ChildProcess::spawn(loop_, options,
                                                 [this, job](const common::io::ProcessResult& r) { finished(job, r); });
    if (!child) {
      logger_.error("({}) notify {}: {}", label_, format_argv(job.argv), child.error().describe());
      continue;
    }
    running_ = std::move(*child);
  }
}

void NotifyRunner::finished(const Job& job, const common::io::ProcessResult& r) {
  const auto level = r.success() ? Level::Info : Level::Warning;
  logger_.log(level, fmt::format("({}) notify {} (pid {}): {} after {}{}", label_, format_argv(job.argv), r.pid,
                                 r.describe(), common::format_duration(r.duration),
                                 r.stderr_first_line.empty() ? "" : ", stderr: " + r.stderr_first_line));
  // This runs inside the child's own callback: keep it alive until the next
  // job replaces it.
  finished_child_ = std::move(running_);
  next();
}

}  // namespace vrrpd::io
