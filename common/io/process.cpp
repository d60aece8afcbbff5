#include "common/io/process.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace common::io {
namespace {

constexpr std::size_t kFirstLineMax = 512;

int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

// Everything the child needs, prepared before fork(): after fork only
// async-signal-safe calls are allowed.
struct ExecPlan {
  std::string path;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::vector<std::string> env_storage;
};

[[noreturn]] void child_fail(int report_fd, int err) {
  [[maybe_unused]] auto n = ::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

[[noreturn]] void run_child(const ExecPlan& plan, const SpawnOptions& options, int stderr_write, int report_fd) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);  // handlers die with exec; ignores would not
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd < 0) child_fail(report_fd, errno);
  ::dup2(null_fd, STDIN_FILENO);
  if (options.stdout_file.empty()) {
    ::dup2(null_fd, STDOUT_FILENO);
  } else {
    const int out = ::open(options.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0) child_fail(report_fd, errno);
    ::dup2(out, STDOUT_FILENO);
  }
  ::dup2(stderr_write, STDERR_FILENO);
  ::close_range(3, UINT_MAX, CLOSE_RANGE_CLOEXEC);
  if (::chdir(options.cwd.c_str()) != 0) child_fail(report_fd, errno);
  if (options.gid) {
    const gid_t gid = *options.gid;
    if (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0) child_fail(report_fd, errno);
  }
  if (options.uid && ::setuid(*options.uid) != 0) child_fail(report_fd, errno);
  ::execve(plan.path.c_str(), plan.argv.data(), plan.envp.data());
  child_fail(report_fd, errno);
}

Result<ExecPlan> make_plan(const SpawnOptions& options) {
  if (options.argv.empty() || options.argv[0].empty()) return fail("empty command");
  ExecPlan plan;
  plan.env_storage = options.env;
  std::string path_list = kDefaultPath;
  bool has_path = false;
  for (const auto& e : plan.env_storage) {
    if (e.starts_with("PATH=")) {
      has_path = true;
      path_list = e.substr(5);
    }
  }
  if (!has_path) plan.env_storage.push_back(std::string("PATH=") + kDefaultPath);
  auto path = find_program(options.argv[0], path_list);
  if (!path) return tl::unexpected(path.error());
  plan.path = *path;
  for (const auto& a : options.argv) plan.argv.push_back(const_cast<char*>(a.c_str()));
  plan.argv.push_back(nullptr);
  for (auto& e : plan.env_storage) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  return plan;
}

}  // namespace

std::string ProcessResult::describe() const {
  std::string out = exited ? fmt::format("exit status {}", exit_code) : fmt::format("killed by signal {}", signal);
  if (timed_out) out += " (timed out)";
  return out;
}

Result<std::string> find_program(const std::string& name, const std::string& path_list) {
  if (name.find('/') != std::string::npos) return name;
  std::size_t start = 0;
  while (start <= path_list.size()) {
    auto end = path_list.find(':', start);
    if (end == std::string::npos) end = path_list.size();
    const auto dir = path_list.substr(start, end - start);
    if (!dir.empty()) {
      const auto candidate = dir + "/" + name;
      struct stat st {};
      if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
        return candidate;
      }
    }
    start = end + 1;
  }
  return sys_fail(ENOENT, "{} not found in PATH ({})", name, path_list);
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(EventLoop& loop, const SpawnOptions& options,
                                                          ExitCallback on_exit) {
  auto plan = make_plan(options);
  if (!plan) return tl::unexpected(plan.error());
  int err_pipe[2];
  int report_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return sys_fail(errno, "pipe");
  UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);
  if (::pipe2(report_pipe, O_CLOEXEC) != 0) return sys_fail(errno, "pipe");
  UniqueFd report_read(report_pipe[0]), report_write(report_pipe[1]);

  const pid_t pid = ::fork();
  if (pid < 0) return sys_fail(errno, "fork");
  if (pid == 0) run_child(*plan, options, err_write.get(), report_write.get());

  ::setpgid(pid, pid);  // also in the parent: no race with an early kill_group
  err_write.reset();
  report_write.reset();
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(report_read.get(), &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return sys_fail(child_errno, "cannot run {}", plan->path);
  }
  ::fcntl(err_read.get(), F_SETFL, O_NONBLOCK);
  return std::unique_ptr<ChildProcess>(new ChildProcess(loop, pid, std::move(err_read), options, std::move(on_exit)));
}

ChildProcess::ChildProcess(EventLoop& loop, pid_t pid, UniqueFd stderr_fd, const SpawnOptions& options,
                           ExitCallback on_exit)
    : loop_(loop),
      pid_(pid),
      stderr_fd_(std::move(stderr_fd)),
      on_exit_(std::move(on_exit)),
      kill_grace_(options.kill_grace),
      started_(loop.now()),
      stderr_watcher_(loop, [this](int) { on_stderr(); }),
      pidfd_watcher_(loop,
                     [this](int) {
                       int status = 0;
                       if (::waitpid(pid_, &status, WNOHANG) == pid_) on_reaped(status);
                     }),
      timeout_timer_(loop, [this] { on_timeout(); }) {
  result_.pid = pid;
  stderr_watcher_.start(stderr_fd_.get(), EV_READ);
  if (loop.is_default()) {
    // libev's default loop reaps every child itself; take the status from it.
    child_watcher_ = std::make_unique<ChildWatcher>(loop, pid, [this](int, int status) { on_reaped(status); });
  } else {
    pidfd_.reset(pidfd_open(pid));
    if (pidfd_) pidfd_watcher_.start(pidfd_.get(), EV_READ);
  }
  if (options.timeout.count() > 0) timeout_timer_.start(options.timeout);
}

ChildProcess::~ChildProcess() {
  if (!reaped_) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void ChildProcess::kill_group(int signo) {
  if (!reaped_) ::kill(-pid_, signo);
}

bool ChildProcess::drain_stderr() {
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(stderr_fd_.get(), buf, sizeof buf);
    if (n > 0) {
      for (ssize_t i = 0; i < n && !first_line_done_; ++i) {
        if (buf[i] == '\n' || result_.stderr_first_line.size() >= kFirstLineMax) {
          first_line_done_ = true;
        } else {
          result_.stderr_first_line += buf[i];
        }
      }
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return !(n < 0 && errno == EAGAIN);  // EOF (all writers gone) or a hard error
  }
}

void ChildProcess::on_stderr() {
  if (!drain_stderr()) return;
  stderr_watcher_.stop();
  stderr_eof_ = true;
  finish_if_done();
}

void ChildProcess::on_reaped(int status) {
  reaped_ = true;
  pidfd_watcher_.stop();
  result_.duration = std::chrono::duration_cast<Duration>(loop_.now() - started_);
  if (WIFEXITED(status)) {
    result_.exited = true;
    result_.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result_.signal = WTERMSIG(status);
  }
  // A grandchild may still hold stderr open; take what is there, don't wait.
  if (!stderr_eof_) drain_stderr();
  stderr_eof_ = true;
  stderr_watcher_.stop();
  finish_if_done();
}

void ChildProcess::on_timeout() {
  if (reaped_) return;
  if (!result_.timed_out) {
    result_.timed_out = true;
    ::kill(-pid_, SIGTERM);
    timeout_timer_.start(kill_grace_);
  } else {
    ::kill(-pid_, SIGKILL);
  }
}

void ChildProcess::finish_if_done() {
  if (finished_ || !reaped_ || !stderr_eof_) return;
  finished_ = true;
  timeout_timer_.stop();
  if (result_.timed_out) ::kill(-pid_, SIGKILL);  // stragglers of a timed-out group
  auto callback = std::move(on_exit_);
  callback(result_);  // may destroy *this: nothing after this line
}

Result<ProcessResult> run_process(const SpawnOptions& options) {
  EventLoop loop(false);
  std::optional<ProcessResult> result;
  auto child = ChildProcess::spawn(loop, options, [&result](const ProcessResult& r) { result = r; });
  if (!child) return tl::unexpected(child.error());
  while (!result) loop.run_once();
  return *result;
}

}  // namespace common::io
