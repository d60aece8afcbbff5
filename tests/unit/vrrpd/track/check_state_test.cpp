#include "vrrpd/core/track/check_state.h"

#include <catch2/catch.hpp>

using vrrpd::track::CheckState;

TEST_CASE("a check starts OK and needs fall failures in a row to fail, rise successes to recover") {
  CheckState s(2, 3);
  CHECK(s.ok());
  CHECK_FALSE(s.record(false));
  CHECK_FALSE(s.record(false));
  CHECK_FALSE(s.record(true));  // the streak is broken
  CHECK_FALSE(s.record(false));
  CHECK_FALSE(s.record(false));
  CHECK(s.record(false) == false);
  CHECK_FALSE(s.ok());
  CHECK_FALSE(s.record(true));
  CHECK(s.record(true) == true);
  CHECK(s.ok());
}

TEST_CASE("rise and fall of 1 act at once") {
  CheckState s(1, 1);
  CHECK(s.record(false) == false);
  CHECK(s.record(true) == true);
}

TEST_CASE("init_fail: a check starts failing and needs rise successes") {
  vrrpd::track::CheckState s(2, 1, false);
  CHECK_FALSE(s.ok());
  CHECK_FALSE(s.record(true));
  CHECK(s.record(true) == std::optional<bool>(true));
}
