// HAProxy-shaped log lines for health transitions, so existing alerting and
// grep habits keep working:
//   Server app_pool/web1 is DOWN, reason: Layer4 connection problem, info:
//   "Connection refused", check duration: 1ms. 1 active and 1 backup servers
//   left. 0 sessions active, 0 requeued, 0 remaining in queue.
//   Server app_pool/web1 is UP, reason: Layer4 check passed, check duration:
//   0ms. 2 active and 1 backup servers online. 0 sessions requeued, 0 total
//   in queue.
// (each on one line). Backup servers are prefixed "Backup ", and " Running on
// backup." follows the server counts when only backups are left, as in
// HAProxy.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proxyd/core/health/health_check.h"

namespace proxyd::health {

// The backend's situation right after the transition, for the log line.
struct BackendSummary {
  std::uint32_t active_servers = 0;   // non-backup servers up after the change
  std::uint32_t backup_servers = 0;   // backup servers up after the change
  std::uint32_t sessions_active = 0;  // DOWN: sessions still on the server
  std::uint32_t requeued = 0;         // sessions moved to other servers
  std::uint32_t queued = 0;           // DOWN: left in its queue; UP: total in queue
};

// The log line of <transition> of server <backend>/<server>.
std::string format_transition(std::string_view backend, std::string_view server, bool backup_server,
                              const HealthTransition& transition, const BackendSummary& summary);

// An agent check's verdict (agent_reply.h) taking the server <to>:
// "Server app/web1 is DOWN, reason: Agent reports down, info: "backup
// running". 1 active and 0 backup servers left. ..."; <description> is the
// text after '#' in the agent's line.
std::string format_agent_transition(std::string_view backend, std::string_view server, bool backup_server,
                                    ServerHealth to, std::string_view description, const BackendSummary& summary);

// The alert HAProxy adds when the last server of <backend> goes down.
std::string format_no_server_available(std::string_view backend);

// <text> made safe for a quoted log field: bytes outside printable ASCII,
// '<', '>' and '"' become "<XX>" (hex), like HAProxy's check info.
std::string log_escape(std::string_view text);

}  // namespace proxyd::health
