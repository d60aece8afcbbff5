// Where a daemon logs: `log = syslog | stderr | udp://HOST:PORT`, with
// `log_facility` and `log_tag`. Shared by proxyd and vrrpd [global].
#pragma once

#include <string>
#include <string_view>

#include "common/core/address.h"
#include "common/core/result.h"

namespace common::log {

struct LogSettings {
  enum class Target { Syslog, Stderr, Udp };
  Target target = Target::Syslog;
  net::Endpoint udp;  // with Target::Udp (RFC 3164 remote syslog)
  int facility = 3;   // daemon
  std::string tag;    // syslog ident; the program name when empty
};

// Parses the `log =` value into <settings>.target (and .udp).
Status parse_log_target(std::string_view value, LogSettings& settings);

}  // namespace common::log
