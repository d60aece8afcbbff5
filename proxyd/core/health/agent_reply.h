// HAProxy's agent check (`agent_check`, `agent_port`, `agent_addr`,
// `agent_inter`, `agent_send`): a small TCP service beside the server says,
// in one ASCII line, what the load balancer should do with it. This is the
// reply's grammar, pure (and fuzzed). Words are separated by blanks or
// commas, in any order, case-insensitive; the line ends at '\n' (a '\r'
// before it is dropped) or at the connection's close; text after '#' is a
// description used as the reason in logs. Words:
//   NN%            weight = NN% of the configured weight (0% to 25600%)
//   maxconn:N      the server's maxconn (0 = unlimited)
//   ready | drain | maint     administrative state (as `set server state`)
//   up | down | failed | stopped   operational state: down/failed/stopped
//                  take the server DOWN whatever its checks say; up lets
//                  the checks decide again
// Unknown words are ignored (HAProxy too), and listed for a debug line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::health {

struct AgentReply {
  std::optional<std::uint32_t> weight_percent;
  std::optional<std::uint32_t> maxconn;
  std::optional<stats::AdminState> admin;
  std::optional<bool> up;  // false: down, failed or stopped
  std::string description;
  std::vector<std::string> unknown;
};

// The first line of <text> (everything when it has no newline).
AgentReply parse_agent_reply(std::string_view text);

// The weight <percent> of <configured> gives: rounded down, at most 256.
std::uint32_t agent_weight(std::uint32_t configured, std::uint32_t percent);

}  // namespace proxyd::health
