#include "proxyd/core/log/log_time.h"

#include <catch2/catch.hpp>

using namespace proxyd::log;
using namespace std::chrono;

namespace {

WallClockTime at(sys_days day, milliseconds since_midnight, minutes offset = minutes(0)) {
  return {day + since_midnight, offset};
}

}  // namespace

TEST_CASE("accept dates print as HAProxy's %t", "[proxyd][log]") {
  const auto t = at(sys_days(year(2026) / November / 21), 7h + 59min + 1s + 629ms);
  CHECK(format_accept_date(t) == "21/Nov/2026:07:59:01.629");
  CHECK(format_accept_date(at(sys_days(year(2009) / February / 6), 12h + 12min + 51s + 443ms)) ==
        "06/Feb/2009:12:12:51.443");
  CHECK(format_accept_date(at(sys_days(year(2030) / January / 1), 0ms)) == "01/Jan/2030:00:00:00.000");
}

TEST_CASE("accept dates are shifted to local time by the given offset", "[proxyd][log]") {
  // 06:59 UTC is 07:59 in UTC+1.
  CHECK(format_accept_date(at(sys_days(year(2026) / November / 21), 6h + 59min + 1s + 629ms, minutes(60))) ==
        "21/Nov/2026:07:59:01.629");
  // 02:00 UTC on New Year's day is still the old year in UTC-5.
  CHECK(format_accept_date(at(sys_days(year(2026) / January / 1), 2h, minutes(-300))) == "31/Dec/2025:21:00:00.000");
  // Half-hour zones (UTC+5:30).
  CHECK(format_accept_date(at(sys_days(year(2026) / March / 31), 23h + 45min, minutes(330))) ==
        "01/Apr/2026:05:15:00.000");
}

TEST_CASE("calendar edges: leap days and dates before the epoch", "[proxyd][log]") {
  CHECK(format_accept_date(at(sys_days(year(2024) / February / 28), 24h)) == "29/Feb/2024:00:00:00.000");
  CHECK(format_accept_date(at(sys_days(year(2100) / February / 28), 24h)) == "01/Mar/2100:00:00:00.000");
  CHECK(format_accept_date({sys_time<milliseconds>(milliseconds(-1)), minutes(0)}) == "31/Dec/1969:23:59:59.999");
  CHECK(format_accept_date({}) == "01/Jan/1970:00:00:00.000");
}

TEST_CASE("append_accept_date appends to what is there", "[proxyd][log]") {
  std::string line = "[";
  append_accept_date(at(sys_days(year(2026) / May / 4), 1h + 2min + 3s + 4ms), line);
  CHECK(line == "[04/May/2026:01:02:03.004");
}
