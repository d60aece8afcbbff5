// Rate limiting of repeated log lines (a flood of malformed packets must not
// flood syslog). Keys are chosen by the caller, e.g. "bad-ttl 10.0.0.12", so
// distinct problems are limited independently. Time is passed in.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/core/log/logger.h"
#include "common/core/time.h"

namespace common::log {

class RateLimiter {
 public:
  // At most <burst> lines per key in each <window>.
  RateLimiter(std::size_t burst, Duration window, std::size_t max_keys = 1024)
      : burst_(burst), window_(window), max_keys_(max_keys) {}

  struct Decision {
    bool allow = false;
    // Lines of this key suppressed since the last allowed one; the caller
    // mentions it in the line it logs now.
    std::uint64_t suppressed = 0;
  };

  Decision check(std::string_view key, TimePoint now);

  // Logs <message> through <logger> if allowed, adding
  // " (N similar messages suppressed)" when some were dropped before it.
  void log(Logger& logger, Level level, std::string_view key, std::string_view message, TimePoint now);

  std::uint64_t total_suppressed() const { return total_suppressed_; }

 private:
  struct State {
    TimePoint window_start;
    std::size_t in_window = 0;
    std::uint64_t suppressed = 0;
  };
  std::size_t burst_;
  Duration window_;
  std::size_t max_keys_;
  std::map<std::string, State, std::less<>> states_;
  std::uint64_t total_suppressed_ = 0;
};

}  // namespace common::log
