// The real clock, sleep and randomness behind the core's Environment.
#pragma once

#include <cstdint>
#include <random>

#include "common/core/time.h"
#include "vrrpd/floatip/core/environment.h"

namespace vrrpd::floatip::io {

// steady_clock: budgets must not jump with NTP steps.
class MonotonicClock final : public common::Clock {
 public:
  common::TimePoint now() const override { return common::SteadyClock::now(); }
};

class ThreadSleeper final : public Sleeper {
 public:
  // Sleeps the whole <duration> (resumed after signals).
  void sleep_for(common::Duration duration) override;
};

// Jitter only needs to differ between the two nodes: a 64-bit Mersenne
// Twister seeded from the kernel.
class SystemRandom final : public RandomSource {
 public:
  SystemRandom();
  std::uint64_t next() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

}  // namespace vrrpd::floatip::io
