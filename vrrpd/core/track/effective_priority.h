// An instance's effective priority from its configured priority and its
// trackers' states, with keepalived's semantics:
//   weight 0  -> the instance is in FAULT while the tracker fails;
//   weight >0 -> added while the tracker is OK;
//   weight <0 -> added while the tracker fails.
// A tracker with a value (track_file) counts value x weight instead:
//   weight 0  -> FAULT while the value is not 0;
//   otherwise -> value x weight is added (at most +253); below -253 it is a FAULT.
// The result is clamped to 1..254; an address owner (255) stays 255.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vrrpd::track {

struct TrackerInput {
  std::string name;
  std::int32_t weight = 0;
  bool ok = true;
  std::optional<std::int64_t> value = std::nullopt;  // track_file's number
};

struct Effective {
  std::uint8_t priority = 100;
  std::vector<std::string> faults;  // trackers with weight 0 that fail
};

Effective effective_priority(std::uint32_t configured, const std::vector<TrackerInput>& trackers);

// track_file: the number a file holds (keepalived reads the leading integer
// of its text; anything else counts as 0).
std::int64_t parse_file_value(std::string_view text);
// Whether a track_file with <value> and <weight> is not a fault.
bool file_ok(std::int64_t value, std::int32_t weight);

}  // namespace vrrpd::track
