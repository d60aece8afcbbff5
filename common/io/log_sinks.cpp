#include "common/io/log_sinks.h"

#include <fmt/format.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iterator>

namespace common::io {

SyslogLogger::SyslogLogger(std::string ident, int facility_code) : ident_(std::move(ident)) {
  ::openlog(ident_.c_str(), LOG_PID | LOG_NDELAY, facility_code << 3);
}

SyslogLogger::~SyslogLogger() {
  ::closelog();
}

void SyslogLogger::write(log::Level level, std::string_view message) {
  ::syslog(static_cast<int>(level), "%.*s", static_cast<int>(message.size()), message.data());
}

// The daemons never fork without exec: the pid is read once (a getpid(2)
// per line costs a syscall on every access-log line).
StderrLogger::StderrLogger(std::string ident, bool raw) : ident_(std::move(ident)), pid_(::getpid()), raw_(raw) {}

void StderrLogger::write(log::Level level, std::string_view message) {
  if (raw_) {
    std::string line(message);
    line += '\n';
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
    return;
  }
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  // The date part changes once a second: formatted again only then, per
  // thread (access logs write a line per request).
  thread_local time_t stamp_second = -1;
  thread_local char stamp[32];
  if (tv.tv_sec != stamp_second) {
    tm local{};
    ::localtime_r(&tv.tv_sec, &local);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    stamp_second = tv.tv_sec;
  }
  fmt::memory_buffer line;  // on the stack for lines of ordinary length
  fmt::format_to(std::back_inserter(line), "{}.{:03} {}[{}]: <{}> {}\n", stamp, tv.tv_usec / 1000, ident_, pid_,
                 log::level_name(level), message);
  // One write(2) per line so concurrent writers do not interleave.
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace common::io
