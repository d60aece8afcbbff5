#include "proxyd/core/stats/histogram.h"

#include <catch2/catch.hpp>

using proxyd::stats::Histogram;
using namespace std::chrono_literals;

TEST_CASE("histogram buckets are cumulative with 'le' bounds", "[proxyd][stats]") {
  Histogram h;
  h.observe(0ms);
  h.observe(1ms);  // on the bound: in le=1ms
  h.observe(2ms);
  h.observe(30ms);  // le=50ms
  h.observe(60s);   // beyond the last bound: +Inf only
  CHECK(h.count() == 5);
  CHECK(h.sum() == 60033ms);
  CHECK(h.cumulative(0) == 2);  // le 1ms
  CHECK(h.cumulative(1) == 3);  // le 2ms
  CHECK(h.cumulative(4) == 3);  // le 25ms
  CHECK(h.cumulative(5) == 4);  // le 50ms
  CHECK(h.cumulative(Histogram::kBoundsMs.size() - 1) == 4);
  for (std::size_t i = 1; i < Histogram::kBoundsMs.size(); ++i) CHECK(h.cumulative(i) >= h.cumulative(i - 1));
}
