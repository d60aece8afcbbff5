// Syslog facilities by name (RFC 5424 6.2.1 codes), for `log_facility =`.
#pragma once

#include <string_view>

#include "common/core/result.h"

namespace common::log {

// "daemon" -> 3, "local0" -> 16, ... (the code, not shifted by 3).
Result<int> parse_syslog_facility(std::string_view name);

}  // namespace common::log
