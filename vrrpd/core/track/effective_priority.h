// An instance's effective priority from its configured priority and its
// trackers' states, with keepalived's semantics:
//   weight 0  -> the instance is in FAULT while the tracker fails;
//   weight >0 -> added while the tracker is OK;
//   weight <0 -> added while the tracker fails.
// The result is clamped to 1..254; an address owner (255) stays 255.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vrrpd::track {

struct TrackerInput {
  std::string name;
  std::int32_t weight = 0;
  bool ok = true;
};

struct Effective {
  std::uint8_t priority = 100;
  std::vector<std::string> faults;  // trackers with weight 0 that fail
};

Effective effective_priority(std::uint32_t configured, const std::vector<TrackerInput>& trackers);

}  // namespace vrrpd::track
