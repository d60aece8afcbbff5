// How many file descriptors proxyd needs, and what to set RLIMIT_NOFILE's
// soft limit to. HAProxy raises its own limit to what maxconn needs (its
// "maxsock"); so do we, up to the hard limit, and warn only when even the
// hard limit is short. Pure: the limits in, the plan out.
#pragma once

#include <cstdint>

#include "proxyd/core/config/proxy_config.h"

namespace proxyd::limits {

// Two per connection (client and server side), one per listener and per
// server (its health check), and a reserve for splice pipes, logs, the
// admin socket and connections accepted while the process is at maxconn.
inline constexpr std::uint64_t kReserve = 1024;
std::uint64_t descriptors_needed(const config::ProxyConfig& config);

struct FileLimitPlan {
  std::uint64_t soft = 0;  // the soft limit to set (never below the current one)
  std::uint64_t needed = 0;
  bool short_of_needed = false;  // even the hard limit is below <needed>
};
FileLimitPlan plan_file_limit(std::uint64_t soft, std::uint64_t hard, std::uint64_t needed);

}  // namespace proxyd::limits
