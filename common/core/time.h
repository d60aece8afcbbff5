// Time in the core: a monotonic TimePoint is always passed in, never read from
// a global. Adapters get it from the event loop; tests from a FakeClock.
#pragma once

#include <chrono>
#include <string>

namespace common {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Duration = std::chrono::milliseconds;
using std::chrono::duration_cast;

// The one clock interface: the event loop's cached time in production, a
// hand-driven clock in tests.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// A clock that only moves when told to (tests, simulations).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(1)) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::nanoseconds by) { now_ += by; }
  void set(TimePoint at) { now_ = at; }

 private:
  TimePoint now_;
};

// "250ms", "2s", "1m30s", "1h": the shortest exact spelling, for logs and docs.
std::string format_duration(Duration d);

}  // namespace common
