#include "proxyd/core/log/access_log_policy.h"

#include "common/core/log/log_settings.h"

namespace proxyd::log {

bool is_error(const TcpSessionRecord& record) {
  return !(record.termination == TerminationState{}) || record.status >= 500;
}

std::optional<common::log::Level> access_log_level(const AccessLogPolicy& policy, const TcpSessionRecord& record,
                                                   std::optional<std::string_view> set_level) {
  if (policy.dontlognull && record.bytes_from_client == 0) return std::nullopt;
  const bool error = is_error(record);
  if (policy.dontlog_normal && !error) return std::nullopt;
  if (set_level) {
    if (*set_level == "silent") return std::nullopt;
    if (const auto level = common::log::parse_level_name(*set_level)) return static_cast<common::log::Level>(*level);
  }
  return policy.separate_errors && error ? common::log::Level::Error : common::log::Level::Info;
}

}  // namespace proxyd::log
