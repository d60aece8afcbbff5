// Late adverts: the quarter-interval rule, the histogram and the maximum.
#include "vrrpd/core/fsm/advert_lateness.h"

#include <catch2/catch.hpp>

using namespace vrrpd::fsm;
using namespace std::chrono_literals;

TEST_CASE("an advert is late past a quarter of the interval") {
  CHECK_FALSE(advert_late(5ms, 20ms));
  CHECK(advert_late(5001us, 20ms));
  CHECK_FALSE(advert_late(25ms, 100ms));
  CHECK(advert_late(26ms, 100ms));
  CHECK_FALSE(advert_late(0us, 10ms));
}

TEST_CASE("lateness is counted in buckets, with the maximum and the late ones") {
  AdvertLateness l;
  CHECK_FALSE(l.record(50us, 20ms));
  CHECK_FALSE(l.record(100us, 20ms));  // a bound belongs to its bucket
  CHECK_FALSE(l.record(3ms, 20ms));
  CHECK(l.record(6ms, 20ms));
  CHECK(l.record(80ms, 20ms));
  CHECK(l.adverts() == 5);
  CHECK(l.late() == 2);
  CHECK(l.max() == 80ms);
  CHECK(l.buckets()[0] == 2);  // <= 100 us
  CHECK(l.buckets()[4] == 1);  // <= 5 ms
  CHECK(l.buckets()[5] == 1);  // <= 10 ms
  CHECK(l.buckets()[8] == 1);  // > 50 ms
  CHECK(AdvertLateness::bucket_name(0) == "le_100us");
  CHECK(AdvertLateness::bucket_name(2) == "le_1ms");
  CHECK(AdvertLateness::bucket_name(8) == "gt_50ms");
}
