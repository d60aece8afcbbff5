#include "common/core/log/rate_limiter.h"

#include <fmt/format.h>

namespace common::log {

RateLimiter::Decision RateLimiter::check(std::string_view key, TimePoint now) {
  auto it = states_.find(key);
  if (it == states_.end()) {
    if (states_.size() >= max_keys_) {
      // Forget the key idle for longest; a bounded map beats unbounded memory
      // under a spoofed-source flood.
      auto oldest = states_.begin();
      for (auto i = states_.begin(); i != states_.end(); ++i) {
        if (i->second.window_start < oldest->second.window_start) oldest = i;
      }
      states_.erase(oldest);
    }
    it = states_.emplace(std::string(key), State{now, 0, 0}).first;
  }
  auto& st = it->second;
  if (now - st.window_start >= window_) {
    st.window_start = now;
    st.in_window = 0;
  }
  if (st.in_window < burst_) {
    ++st.in_window;
    Decision d{true, st.suppressed};
    st.suppressed = 0;
    return d;
  }
  ++st.suppressed;
  ++total_suppressed_;
  return {false, 0};
}

void RateLimiter::log(Logger& logger, Level level, std::string_view key, std::string_view message, TimePoint now) {
  if (!logger.enabled(level)) return;
  const auto d = check(key, now);
  if (!d.allow) return;
  if (d.suppressed == 0) {
    logger.log(level, message);
  } else {
    logger.log(level, fmt::format("{} ({} similar messages suppressed)", message, d.suppressed));
  }
}

}  // namespace common::log
