#include "proxyd/core/log/log_time.h"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <string_view>

namespace proxyd::log {
namespace {

constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

void append_accept_date(const WallClockTime& time, std::string& out) {
  using namespace std::chrono;
  const auto local = time.utc + time.utc_offset;
  const auto day = floor<days>(local);  // floor: dates before 1970 too
  const year_month_day date(day);
  const hh_mm_ss clock(local - day);
  fmt::format_to(std::back_inserter(out), "{:02}/{}/{:04}:{:02}:{:02}:{:02}.{:03}", static_cast<unsigned>(date.day()),
                 kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()), clock.hours().count(),
                 clock.minutes().count(), clock.seconds().count(), clock.subseconds().count());
}

std::string format_accept_date(const WallClockTime& time) {
  std::string out;
  append_accept_date(time, out);
  return out;
}

}  // namespace proxyd::log
