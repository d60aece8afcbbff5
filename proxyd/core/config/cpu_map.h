// `cpu_map` in [global] (HAProxy's cpu-map): which CPUs each worker thread
// may run on.
//   cpu_map = 1/1 0            thread 1 on CPU 0
//   cpu_map = 1/all 0-3        every thread on CPUs 0 to 3
//   cpu_map = auto:1/1-4 0-3   threads 1..4 on CPUs 0..3, one each
// The process set is 1 or `all` (proxyd is one process); threads count
// from 1 as in HAProxy. Pure: the worker applies the set it is given.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/core/result.h"

namespace proxyd::config {

struct CpuMap {
  bool automatic = false;           // auto: threads and CPUs paired in order
  std::uint32_t first_thread = 1;   // 1-based
  std::uint32_t last_thread = 0;    // 0: every thread
  std::vector<std::uint32_t> cpus;  // in the order written
  int line = 0;
  friend bool operator==(const CpuMap&, const CpuMap&) = default;
};

common::Result<CpuMap> parse_cpu_map(std::string_view value);

// The CPUs thread <index> (0-based) may use, the last matching line
// winning; empty: no constraint.
std::vector<std::uint32_t> cpus_for_thread(const std::vector<CpuMap>& maps, std::uint32_t index);

}  // namespace proxyd::config
