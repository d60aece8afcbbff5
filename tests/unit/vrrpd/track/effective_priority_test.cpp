#include "vrrpd/core/track/effective_priority.h"

#include <catch2/catch.hpp>

using namespace vrrpd::track;

TEST_CASE("keepalived weight semantics: 0 faults, positive adds while OK, negative adds while failing") {
  auto e = effective_priority(100, {{"a", 0, true}, {"b", 2, true}, {"c", -10, true}});
  CHECK(e.priority == 102);
  CHECK(e.faults.empty());
  e = effective_priority(100, {{"a", 0, false}, {"b", 2, false}, {"c", -10, false}});
  CHECK(e.priority == 90);
  CHECK(e.faults == std::vector<std::string>{"a"});
}

TEST_CASE("the effective priority is clamped to 1..254 and the owner keeps 255") {
  CHECK(effective_priority(250, {{"b", 20, true}}).priority == 254);
  CHECK(effective_priority(5, {{"c", -50, false}}).priority == 1);
  CHECK(effective_priority(255, {{"c", -50, false}}).priority == 255);
}
