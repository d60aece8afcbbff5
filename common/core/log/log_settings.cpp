#include "common/core/log/log_settings.h"

#include "common/core/text.h"

namespace common::log {

Status parse_log_target(std::string_view value, LogSettings& settings) {
  value = text::trim(value);
  if (value == "syslog") {
    settings.target = LogSettings::Target::Syslog;
  } else if (value == "stderr") {
    settings.target = LogSettings::Target::Stderr;
  } else if (value.starts_with("udp://")) {
    auto endpoint = net::Endpoint::parse(value.substr(6));
    if (!endpoint) return fail("expected udp://ADDRESS:PORT");
    settings.target = LogSettings::Target::Udp;
    settings.udp = *endpoint;
  } else {
    return fail("expected syslog, stderr or udp://ADDRESS:PORT");
  }
  return {};
}

}  // namespace common::log
