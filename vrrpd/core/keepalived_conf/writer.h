// What the keepalived.conf translators (global_directives.cpp,
// instance_directives.cpp, tracker_directives.cpp) share while reader.cpp
// walks the blocks: the sections being written, the trackers and their
// references (resolved at the end, when every weight is known), and the
// diagnostics.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "vrrpd/core/keepalived_conf/block_tree.h"

namespace vrrpd::keepalived_conf {

// A vrrp_script, vrrp_track_process or tracked interface as vrrpd's tracker section.
struct TrackerDef {
  common::config::IniSection section;  // [track_script NAME] …
  std::string weight = "0";            // as written in the section (0: vrrpd's and keepalived's default)
  bool used = false;
};

// `NAME [weight W]` in a track_script/track_process/track_interface block.
struct TrackRef {
  std::string name;
  std::optional<std::string> weight;  // the reference's own weight
  int line = 0;
};

struct InstanceDef {
  common::config::IniSection section;
  std::vector<TrackRef> tracks;
};

struct GroupDef {
  common::config::IniSection section;
  std::vector<std::string> members;
  std::vector<TrackRef> tracks;
  bool keep_weights = false;  // sync_group_tracking_weight / global_tracking
};

class Writer {
 public:
  Writer(const common::config::IniDocument& doc, common::config::Diagnostics& diagnostics)
      : doc_(doc), diagnostics_(diagnostics) {}

  common::config::IniSection global{"global", "", 0, {}};
  // global_defs' vrrp_version / vrrp_garp_*: keys every instance without its own gets.
  std::vector<common::config::IniEntry> instance_defaults;
  std::map<std::string, TrackerDef, std::less<>> trackers;
  std::vector<std::string> tracker_order;
  std::vector<InstanceDef> instances;
  std::vector<GroupDef> groups;
  bool smtp_alert_vrrp_given = false;  // global_defs' smtp_alert_vrrp (wins over smtp_alert)

  void error(int line, std::string message) { diagnostics_.error(doc_.at(line), std::move(message)); }
  void warning(int line, std::string message) { diagnostics_.warning(doc_.at(line), std::move(message)); }
  void notice(int line, std::string message) { diagnostics_.notice(doc_.at(line), std::move(message)); }

  // The verdict of keyword_table.cpp for <node>'s keyword in <context>,
  // reported; an unknown keyword is a warning (keepalived ignores it too).
  void unmapped(std::string_view context, const Node& node);
  // A keyword that needs at least <count> arguments; false (and an error) without.
  bool needs_args(const Node& node, std::size_t count);

 private:
  const common::config::IniDocument& doc_;
  common::config::Diagnostics& diagnostics_;
};

inline void put(common::config::IniSection& section, std::string key, std::string value, int line) {
  section.entries.push_back({std::move(key), std::move(value), line});
}
inline bool has_key(const common::config::IniSection& section, std::string_view key) {
  for (const auto& e : section.entries) {
    if (e.key == key) return true;
  }
  return false;
}

// keepalived's <TIMER> (seconds, decimals allowed: 0.5) as vrrpd's duration
// ("500ms", "2s"); nullopt when it is not a number.
std::optional<std::string> seconds(std::string_view text);
// keepalived's <BOOL>: no argument, on/true/yes = true; off/false/no = false.
std::optional<bool> boolean(const Node& node);
// A script line (`script "killall -0 haproxy"`, `notify_master /x.sh`) as
// vrrpd's command: one quoted word is the command line as written; bare
// words are joined (a word with blanks is single-quoted).
std::string command_of(const Node& node, std::size_t first, std::size_t count);

// The items of each context (global_directives.cpp, instance_directives.cpp,
// tracker_directives.cpp).
void global_defs(Writer& w, const Node& block);
void vrrp_instance(Writer& w, const Node& block);
void vrrp_script(Writer& w, const Node& block);
void vrrp_track_process(Writer& w, const Node& block);
void track_file(Writer& w, const Node& block);
void vrrp_sync_group(Writer& w, const Node& block);
// `track_script { NAME [weight W] … }` (and track_process, track_interface):
// the references, interfaces made trackers of their own.
std::vector<TrackRef> track_block(Writer& w, const Node& block, std::string_view context);
// smtp_alert [on|off] / smtp_alert_vrrp: `smtp_alert = true|false` in <section>.
bool smtp_alert(Writer& w, common::config::IniSection& section, const Node& node);
// unicast_ttl 255, strict_mode off …: the one value that changes nothing.
bool instance_fixed_value(Writer& w, const Node& node);
// The notify_* keys of instances and groups.
bool notify_key(Writer& w, common::config::IniSection& section, const Node& node);

}  // namespace vrrpd::keepalived_conf
