#include "vrrpd/core/track/effective_priority.h"

#include <algorithm>

namespace vrrpd::track {

Effective effective_priority(std::uint32_t configured, const std::vector<TrackerInput>& trackers) {
  Effective out;
  std::int64_t priority = configured;
  for (const auto& t : trackers) {
    if (t.weight == 0) {
      if (!t.ok) out.faults.push_back(t.name);
    } else if ((t.weight > 0) == t.ok) {
      priority += t.weight;
    }
  }
  out.priority = configured == 255 ? 255 : static_cast<std::uint8_t>(std::clamp<std::int64_t>(priority, 1, 254));
  return out;
}

}  // namespace vrrpd::track
