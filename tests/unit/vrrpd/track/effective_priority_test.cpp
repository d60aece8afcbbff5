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

TEST_CASE("track_file: value x weight is added, below -253 a fault; weight 0 faults on any non-zero value") {
  TrackerInput file{"f", 1, true, 20};
  CHECK(effective_priority(100, {file}).priority == 120);
  file.weight = -2;  // 20 x -2
  CHECK(effective_priority(100, {file}).priority == 60);
  file = {"f", 1, true, -254};
  auto e = effective_priority(100, {file});
  CHECK(e.faults == std::vector<std::string>{"f"});
  file = {"f", 10, true, 100};  // +1000 counts as +253, then the clamp
  CHECK(effective_priority(100, {file}).priority == 254);
  CHECK(effective_priority(255, {{"f", 1, true, -5}}).priority == 255);  // the owner keeps 255
  CHECK(effective_priority(100, {{"g", 0, true, 0}}).faults.empty());
  CHECK(effective_priority(100, {{"g", 0, true, 3}}).faults == std::vector<std::string>{"g"});
  CHECK(file_ok(-253, 1));
  CHECK_FALSE(file_ok(-127, 2));
}

TEST_CASE("track_file's text: the leading integer, anything else 0") {
  CHECK(parse_file_value("42\n") == 42);
  CHECK(parse_file_value("  -7 trailing") == -7);
  CHECK(parse_file_value("") == 0);
  CHECK(parse_file_value("abc") == 0);
  CHECK(parse_file_value("99999999999999999999999") == 0);
  CHECK(parse_file_value("5000000000") == 1'000'000'000);
}
