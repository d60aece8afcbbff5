// Whether, and at which level, a session's access-log line is written:
// HAProxy's `option dontlognull` (nothing received), `option dontlog-normal`
// (only errors), `option log-separate-errors` (errors at err, not info) and
// the `set-log-level` action (a level, or silent). An error is a
// termination state other than "--", or an HTTP status of 500 or more.
// Pure.
#pragma once

#include <optional>
#include <string_view>

#include "common/core/log/logger.h"
#include "proxyd/core/log/tcp_session_record.h"

namespace proxyd::log {

struct AccessLogPolicy {
  bool dontlognull = false;
  bool dontlog_normal = false;
  bool separate_errors = false;
};

bool is_error(const TcpSessionRecord& record);

// The level of <record>'s line, or nullopt when it is not logged.
// <set_level> is the set-log-level the rules chose, if any.
std::optional<common::log::Level> access_log_level(const AccessLogPolicy& policy, const TcpSessionRecord& record,
                                                   std::optional<std::string_view> set_level = std::nullopt);

}  // namespace proxyd::log
