// Builds the stats snapshot from a generation's shared state: relaxed loads
// of the gauges, per-worker counters summed, and the servers' check history.
// Control thread only (the history is control-thread state).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/core/time.h"
#include "proxyd/core/stats/stats_snapshot.h"
#include "proxyd/io/generation.h"

namespace proxyd::io {

// The process around the generation, as the App knows it.
struct ProcessState {
  std::string version;
  std::int64_t pid = 0;
  common::TimePoint started;
  std::chrono::system_clock::time_point started_at;
  std::uint32_t threads = 1;
  std::uint32_t maxconn = 0;
  std::uint32_t connections = 0;
  // Listeners are open for every bind of the generation unless stopping: a
  // generation becomes current only once all its sockets are bound.
  bool stopping = false;
  std::vector<std::size_t> worker_sessions;
};

stats::StatsSnapshot collect_stats(const Generation& generation, const ProcessState& process, common::TimePoint now);

}  // namespace proxyd::io
