// Trackers: what an instance watches besides its peer (keepalived's
// track_process, vrrp_script, track_interface, plus an HTTP health check).
// Sections [track_pid NAME], [track_http NAME], [track_script NAME] and
// [track_interface NAME], referenced by `track = NAME ...` in instances.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/core/config/config_table.h"
#include "common/core/time.h"

namespace vrrpd::config {

using common::Duration;

struct TrackPid {
  std::string pidfile;  // one of pidfile and process
  std::string process;  // match /proc/PID/comm (or the command line's first word)
  friend bool operator==(const TrackPid&, const TrackPid&) = default;
};

struct TrackHttp {
  std::string url;
  Duration interval{1000};
  Duration timeout{500};
  std::uint32_t rise = 2;
  std::uint32_t fall = 2;
  friend bool operator==(const TrackHttp&, const TrackHttp&) = default;
};

struct TrackScript {
  std::string command;            // as written
  std::vector<std::string> argv;  // split shell-style, run without a shell
  Duration interval{2000};
  Duration timeout{1000};
  std::uint32_t rise = 1;
  std::uint32_t fall = 1;
  std::optional<std::string> user;
  bool init_fail = false;  // keepalived's init_fail: failing until it first succeeds
  friend bool operator==(const TrackScript&, const TrackScript&) = default;
};

// keepalived's track_file: a number in a file (value x weight, see
// track/effective_priority.h); `init_file = [VALUE] [overwrite]` writes
// VALUE at start when the file is missing (always with overwrite).
struct TrackFile {
  std::string file;
  std::optional<std::int64_t> init_value;
  bool overwrite = false;
  friend bool operator==(const TrackFile&, const TrackFile&) = default;
};

struct TrackInterface {
  std::string interface;
  friend bool operator==(const TrackInterface&, const TrackInterface&) = default;
};

struct Tracker {
  std::string name;
  // keepalived semantics: 0 = the instance goes to FAULT while failing;
  // > 0 is added to the priority while OK; < 0 is added while failing.
  std::int32_t weight = 0;
  Duration delay{0};  // tolerate a failure this long before acting (a restart)
  std::variant<TrackPid, TrackHttp, TrackScript, TrackInterface, TrackFile> spec;
  int line = 0;

  std::string_view kind() const;  // "track_pid", ...
  // Same settings; the line in the file does not matter.
  friend bool operator==(const Tracker& a, const Tracker& b) {
    return a.name == b.name && a.weight == b.weight && a.delay == b.delay && a.spec == b.spec;
  }
};

// The section kinds, for check_sections().
inline constexpr std::string_view kTrackerKinds[] = {"track_pid", "track_http", "track_script", "track_interface",
                                                     "track_file"};

// Loads one tracker section; problems go to <diagnostics>.
Tracker load_tracker(const common::config::IniDocument& doc, const common::config::IniSection& section,
                     common::config::Diagnostics& diagnostics);

// A command line for notify/track scripts: split shell-style, no expansion.
common::Result<std::vector<std::string>> parse_command(std::string_view value);

}  // namespace vrrpd::config
