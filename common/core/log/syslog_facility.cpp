#include "common/core/log/syslog_facility.h"

#include <array>
#include <utility>

#include "common/core/text.h"

namespace common::log {

Result<int> parse_syslog_facility(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, int>, 14> kFacilities{{
      {"kern", 0},
      {"user", 1},
      {"mail", 2},
      {"daemon", 3},
      {"auth", 4},
      {"syslog", 5},
      {"local0", 16},
      {"local1", 17},
      {"local2", 18},
      {"local3", 19},
      {"local4", 20},
      {"local5", 21},
      {"local6", 22},
      {"local7", 23},
  }};
  for (const auto& [n, code] : kFacilities) {
    if (text::iequals(n, text::trim(name))) return code;
  }
  return fail("expected a syslog facility (daemon, user, local0 ... local7)");
}

}  // namespace common::log
