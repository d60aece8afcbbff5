// "Are you alive and able to serve?": the answer of the health endpoint that
// vrrpd's HTTP tracker polls. Healthy when the process is accepting on all
// its listeners (it is not stopping) and every backend a frontend uses has
// at least one server in service (up, ready, weight > 0; a full server still
// counts: connections queue for it).
#pragma once

#include <string>

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats {

struct HealthVerdict {
  bool healthy = true;
  std::string reason;  // "ok", or every problem, "; "-separated
};

HealthVerdict evaluate_health(const StatsSnapshot& snapshot);

}  // namespace proxyd::stats
