#include "vrrpd/core/track/effective_priority.h"

#include <algorithm>
#include <charconv>

namespace vrrpd::track {

Effective effective_priority(std::uint32_t configured, const std::vector<TrackerInput>& trackers) {
  Effective out;
  std::int64_t priority = configured;
  for (const auto& t : trackers) {
    if (t.value) {
      if (!file_ok(*t.value, t.weight)) {
        out.faults.push_back(t.name);
      } else if (t.weight != 0) {
        priority += std::min<std::int64_t>(*t.value * t.weight, 253);
      }
    } else if (t.weight == 0) {
      if (!t.ok) out.faults.push_back(t.name);
    } else if ((t.weight > 0) == t.ok) {
      priority += t.weight;
    }
  }
  out.priority = configured == 255 ? 255 : static_cast<std::uint8_t>(std::clamp<std::int64_t>(priority, 1, 254));
  return out;
}

std::int64_t parse_file_value(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
  (void)end;
  return ec == std::errc{} ? std::clamp<std::int64_t>(value, -1'000'000'000, 1'000'000'000) : 0;
}

bool file_ok(std::int64_t value, std::int32_t weight) {
  return weight == 0 ? value == 0 : value * weight >= -253;
}

}  // namespace vrrpd::track
