#include "common/core/log/rate_limiter.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>

using namespace common::log;
using namespace std::chrono_literals;

TEST_CASE("repeated messages are limited per key and the drop count is reported") {
  common::ManualClock clock;
  RecordingLogger logger;
  RateLimiter limiter(2, common::Duration(10'000));
  for (int i = 0; i < 10; ++i)
    limiter.log(logger, Level::Warning, "ttl 10.0.0.12", "bad ttl from 10.0.0.12", clock.now());
  // Another key is not affected by the first one's flood.
  limiter.log(logger, Level::Warning, "auth 10.0.0.13", "bad auth from 10.0.0.13", clock.now());
  CHECK(logger.count("bad ttl") == 2);
  CHECK(logger.count("bad auth") == 1);
  CHECK(limiter.total_suppressed() == 8);

  clock.advance(10s);
  limiter.log(logger, Level::Warning, "ttl 10.0.0.12", "bad ttl from 10.0.0.12", clock.now());
  CHECK(logger.count("bad ttl") == 3);
  CHECK(logger.entries().back().message == "bad ttl from 10.0.0.12 (8 similar messages suppressed)");
}

TEST_CASE("the limiter's memory is bounded under many distinct keys") {
  common::ManualClock clock;
  RateLimiter limiter(1, common::Duration(1000), 4);
  for (int i = 0; i < 100; ++i) {
    clock.advance(1ms);
    CHECK(limiter.check(fmt::format("k{}", i), clock.now()).allow);
  }
}

TEST_CASE("lines below the threshold are neither written nor counted") {
  common::ManualClock clock;
  RecordingLogger logger;
  logger.set_threshold(Level::Info);
  RateLimiter limiter(1, common::Duration(1000));
  limiter.log(logger, Level::Debug, "k", "debug line", clock.now());
  CHECK(logger.entries().empty());
  CHECK(limiter.check("k", clock.now()).allow);
}
