// What the floatip algorithm needs from the world besides HTTP: time, a way
// to wait, randomness for jitter and a log. All injected, so unit tests run
// the whole retry policy on a manual clock without sleeping.
#pragma once

#include <cstdint>

#include "common/core/log/logger.h"
#include "common/core/time.h"
#include "vrrpd/floatip/core/http_client.h"

namespace vrrpd::floatip {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Blocks for <duration> (tests advance their clock instead).
  virtual void sleep_for(common::Duration duration) = 0;
};

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // The next uniformly distributed 64-bit value.
  virtual std::uint64_t next() = 0;
};

struct Environment {
  HttpClient& http;
  const common::Clock& clock;
  Sleeper& sleeper;
  RandomSource& random;
  common::log::Logger& logger;
};

}  // namespace vrrpd::floatip
