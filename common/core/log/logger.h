// The one logging interface. Production uses the syslog sink, foreground runs
// the stderr sink, tests a RecordingLogger. Loggers are passed by reference;
// there is no global logger.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace common::log {

// syslog(3) severities, same numeric values.
enum class Level : int { Emergency = 0, Alert, Critical, Error, Warning, Notice, Info, Debug };

std::string_view level_name(Level level);

class Logger {
 public:
  virtual ~Logger() = default;

  // Writes one line (no trailing newline) if <level> passes the threshold.
  void log(Level level, std::string_view message) {
    if (enabled(level)) write(level, message);
  }
  bool enabled(Level level) const { return static_cast<int>(level) <= static_cast<int>(threshold_); }
  void set_threshold(Level level) { threshold_ = level; }
  Level threshold() const { return threshold_; }

  template <class... Args>
  void logf(Level level, fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(level)) write(level, fmt::format(format, std::forward<Args>(args)...));
  }
  template <class... Args>
  void critical(fmt::format_string<Args...> f, Args&&... a) {
    logf(Level::Critical, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... a) {
    logf(Level::Error, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void warning(fmt::format_string<Args...> f, Args&&... a) {
    logf(Level::Warning, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void notice(fmt::format_string<Args...> f, Args&&... a) {
    logf(Level::Notice, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... a) {
    logf(Level::Info, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... a) {
    logf(Level::Debug, f, std::forward<Args>(a)...);
  }

 protected:
  virtual void write(Level level, std::string_view message) = 0;

 private:
  Level threshold_ = Level::Info;
};

// Keeps every line in memory; for tests.
class RecordingLogger final : public Logger {
 public:
  struct Entry {
    Level level;
    std::string message;
  };

  RecordingLogger() { set_threshold(Level::Debug); }
  const std::vector<Entry>& entries() const { return entries_; }
  // Lines containing <needle>.
  std::size_t count(std::string_view needle) const;
  bool contains(std::string_view needle) const { return count(needle) != 0; }
  void clear() { entries_.clear(); }

 protected:
  void write(Level level, std::string_view message) override { entries_.push_back({level, std::string(message)}); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace common::log
