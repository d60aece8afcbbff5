#include "common/core/time.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

TEST_CASE("durations print in their shortest exact form") {
  CHECK(common::format_duration(0ms) == "0s");
  CHECK(common::format_duration(250ms) == "250ms");
  CHECK(common::format_duration(1500ms) == "1500ms");
  CHECK(common::format_duration(90s) == "1m30s");
  CHECK(common::format_duration(3600s) == "1h");
}

TEST_CASE("the manual clock moves only when told") {
  common::ManualClock clock;
  const auto start = clock.now();
  CHECK(clock.now() == start);
  clock.advance(150ms);
  CHECK(clock.now() - start == 150ms);
}
