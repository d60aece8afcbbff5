// Where a daemon logs: `log = syslog | stderr | udp://HOST:PORT`, with
// `log_facility` and `log_tag`. Shared by proxyd and vrrpd [global].
// proxyd's `log` also takes HAProxy's words after the target, and may be
// given several times (each line a target):
//   log = TARGET [format raw] [FACILITY [MAX_LEVEL]]
// TARGET: syslog or /dev/log, stderr, udp://HOST:PORT or HOST:PORT or
// udp@HOST:PORT; a target gets the messages at MAX_LEVEL or more severe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/core/address.h"
#include "common/core/result.h"

namespace common::log {

struct LogSettings {
  enum class Target { Syslog, Stderr, Udp };
  Target target = Target::Syslog;
  net::Endpoint udp;            // with Target::Udp (RFC 3164 remote syslog)
  int facility = 3;             // daemon
  std::string tag;              // syslog ident; the program name when empty
  bool facility_given = false;  // on the `log` line itself (log_facility does not override it)
  int max_level = -1;           // the least severe level sent (0 emerg .. 7 debug); -1: the daemon's default
  bool raw = false;             // `format raw`: the message only (stderr)
};

// Parses the `log =` value into <settings>.target (and .udp).
Status parse_log_target(std::string_view value, LogSettings& settings);
// Parses a whole `log =` line with HAProxy's words after the target.
Result<LogSettings> parse_log_line(std::string_view value);
// HAProxy's level names: emerg alert crit err warning notice info debug.
std::optional<int> parse_level_name(std::string_view name);

}  // namespace common::log
