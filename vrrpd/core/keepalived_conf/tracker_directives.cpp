// vrrp_script, vrrp_track_process and tracked interfaces as vrrpd's
// tracker sections; the track_* blocks of instances and sync groups as
// references; vrrp_sync_group as [sync_group NAME].
#include <fmt/format.h>

#include "vrrpd/core/keepalived_conf/writer.h"

namespace vrrpd::keepalived_conf {
namespace {

using common::config::IniSection;

// `weight W` (and keepalived's `reverse`, which vrrpd lacks); nullopt after an error.
std::optional<std::string> weight_of(Writer& w, const Node& node, std::size_t at) {
  if (at >= node.arg_count()) {
    w.error(node.line, "'weight' needs a value from -253 to 253");
    return std::nullopt;
  }
  if (node.arg(at + 1) == "reverse") {
    w.error(node.line,
            "'weight … reverse' is not supported by vrrpd: write the opposite weight (a negative weight is "
            "added while the check fails, a positive one while it passes)");
    return std::nullopt;
  }
  return std::string(node.arg(at));
}

bool define(Writer& w, const Node& block, std::string_view kind) {
  if (!w.needs_args(block, 1)) return false;
  std::string name(block.arg(0));
  if (w.trackers.contains(name)) {
    w.error(block.line, fmt::format("'{}' is defined twice (vrrpd's trackers share one name space)", name));
    return false;
  }
  w.trackers[name].section = {std::string(kind), name, block.line, {}};
  w.tracker_order.push_back(name);
  return true;
}

void script_item(Writer& w, TrackerDef& t, const Node& item) {
  auto& s = t.section;
  const auto k = item.keyword();
  if (k == "script") {
    if (w.needs_args(item, 1)) put(s, "script", command_of(item, 0, item.arg_count()), item.line);
  } else if (k == "interval" || k == "timeout") {
    if (!w.needs_args(item, 1)) return;
    const auto d = seconds(item.arg(0));
    if (!d) return w.error(item.line, fmt::format("'{}': expected seconds, got '{}'", k, item.arg(0)));
    put(s, std::string(k), *d, item.line);
  } else if (k == "rise" || k == "fall") {
    if (w.needs_args(item, 1)) put(s, std::string(k), std::string(item.arg(0)), item.line);
  } else if (k == "weight") {
    if (auto weight = weight_of(w, item, 0)) put(s, "weight", *weight, item.line), t.weight = *weight;
  } else if (k == "init_fail") {
    put(s, "init_fail", "true", item.line);
  } else if (k == "user") {
    if (!w.needs_args(item, 1)) return;
    put(s, "user", std::string(item.arg(0)), item.line);
    if (item.arg_count() > 1 && item.arg(1) != item.arg(0)) {
      w.warning(item.line,
                fmt::format("user: vrrpd runs the script with {}'s primary group, not '{}'", item.arg(0), item.arg(1)));
    }
  } else {
    w.unmapped("vrrp_script", item);
  }
}

void process_item(Writer& w, TrackerDef& t, const Node& item) {
  auto& s = t.section;
  const auto k = item.keyword();
  if (k == "process") {
    if (!w.needs_args(item, 1)) return;
    put(s, "process", std::string(item.arg(0)), item.line);
    if (item.arg_count() > 1) {
      w.error(item.line,
              "vrrpd matches the process name only: use pidfile = in [track_pid], or a vrrp_script "
              "with pgrep -f for the parameters");
    }
  } else if (k == "delay" || k == "terminate_delay") {
    const auto d = w.needs_args(item, 1) ? seconds(item.arg(0)) : std::nullopt;
    if (d) put(s, "delay", *d, item.line);
  } else if (k == "weight") {
    if (auto weight = weight_of(w, item, 0)) put(s, "weight", *weight, item.line), t.weight = *weight;
  } else if (k == "quorum" && item.arg(0) == "1") {
    w.notice(item.line, "'quorum 1' changes nothing for vrrpd: it is vrrpd's behaviour");
  } else if (k == "quorum") {
    w.error(item.line, "vrrpd tracks one process: use a vrrp_script with a count (pgrep -c NAME)");
  } else {
    w.unmapped("vrrp_track_process", item);
  }
}

void file_item(Writer& w, TrackerDef& t, const Node& item) {
  auto& s = t.section;
  const auto k = item.keyword();
  if (k == "file") {
    if (w.needs_args(item, 1)) put(s, "file", std::string(item.arg(0)), item.line);
  } else if (k == "weight") {
    if (!w.needs_args(item, 1)) return;
    // A file's value is multiplied by its weight: `reverse` is the opposite weight.
    auto weight = std::string(item.arg(0));
    if (item.arg(1) == "reverse") weight = weight.starts_with('-') ? weight.substr(1) : "-" + weight;
    std::erase_if(s.entries, [](const auto& e) { return e.key == "weight"; });
    put(s, "weight", weight, item.line);
    t.weight = weight;
  } else if (k == "init_file") {
    put(s, "init_file", item.arg_count() == 0 ? std::string("0") : item.args_from(0), item.line);
  } else {
    w.unmapped("track_file", item);
  }
}

// A tracked interface's tracker (named as the interface), made once; a
// reference's own weight gets a copy later (reader.cpp, resolve).
std::string interface_tracker(Writer& w, std::string_view iface, int line) {
  const std::string name(iface);
  if (!w.trackers.contains(name)) {
    auto& t = w.trackers[name];
    t.section = {"track_interface", name, line, {{"interface", name, line}}};
    w.tracker_order.push_back(name);
  }
  return name;
}

}  // namespace

void vrrp_script(Writer& w, const Node& block) {
  if (!define(w, block, "track_script")) return;
  auto& t = w.trackers[std::string(block.arg(0))];
  for (const auto& item : block.items) script_item(w, t, item);
  // keepalived's defaults where vrrpd's differ: every second, timed out after the interval.
  if (!has_key(t.section, "interval")) put(t.section, "interval", "1s", block.line);
  if (!has_key(t.section, "timeout")) {
    for (const auto& e : t.section.entries) {
      if (e.key == "interval") return put(t.section, "timeout", e.value, block.line);
    }
  }
}

void track_file(Writer& w, const Node& block) {
  if (!define(w, block, "track_file")) return;
  auto& t = w.trackers[std::string(block.arg(0))];
  if (block.keyword() == "vrrp_track_file") w.notice(block.line, "vrrp_track_file is deprecated: track_file");
  // keepalived's default weight of a file is 1 (vrrpd's [track_file] too).
  t.weight = "1";
  for (const auto& item : block.items) file_item(w, t, item);
}

void vrrp_track_process(Writer& w, const Node& block) {
  if (!define(w, block, "track_pid")) return;
  auto& t = w.trackers[std::string(block.arg(0))];
  for (const auto& item : block.items) process_item(w, t, item);
}

std::vector<TrackRef> track_block(Writer& w, const Node& block, std::string_view context) {
  std::vector<TrackRef> out;
  for (const auto& item : block.items) {
    TrackRef ref{std::string(item.keyword()), std::nullopt, item.line};
    if (item.arg(0) == "weight") {
      ref.weight = weight_of(w, item, 1);
      if (!ref.weight) continue;
    } else if (item.arg_count() > 0) {
      w.warning(item.line, fmt::format("{}: '{}' left out (expected NAME [weight W])", context, item.arg(0)));
    }
    if (context == "track_interface") ref.name = interface_tracker(w, ref.name, item.line);
    out.push_back(std::move(ref));
  }
  return out;
}

void vrrp_sync_group(Writer& w, const Node& block) {
  if (!w.needs_args(block, 1)) return;
  GroupDef g{{"sync_group", std::string(block.arg(0)), block.line, {}}, {}, {}, false};
  int group_line = block.line;
  for (const auto& item : block.items) {
    const auto k = item.keyword();
    if (k == "group" && !item.block) {
      w.error(item.line, "'group' is a block: write group { INSTANCE … }");
    } else if (k == "group") {
      group_line = item.line;
      for (const auto& member : item.items) {
        for (const auto& word : member.words) g.members.push_back(word.text);
      }
    } else if (k == "track_script" || k == "track_process" || k == "track_interface" || k == "track_file") {
      auto refs = track_block(w, item, k);
      g.tracks.insert(g.tracks.end(), refs.begin(), refs.end());
    } else if (k == "sync_group_tracking_weight" || k == "global_tracking") {
      g.keep_weights = true;
      if (k == "global_tracking") w.notice(item.line, "global_tracking is deprecated: sync_group_tracking_weight");
    } else if (!notify_key(w, g.section, item) && !smtp_alert(w, g.section, item)) {
      if (!item.block && item.arg_count() == 0 && k.starts_with("VI")) {
        w.warning(item.line, fmt::format("'{}' directly in vrrp_sync_group: write group {{ {} }}", k, k));
      } else {
        w.unmapped("vrrp_sync_group", item);
      }
    }
  }
  if (g.members.empty()) {
    return w.warning(
        block.line, fmt::format("vrrp_sync_group '{}' has no group {{ … }}: left out (as keepalived)", g.section.name));
  }
  std::string names;
  for (const auto& m : g.members) names += (names.empty() ? "" : " ") + m;
  g.section.entries.insert(g.section.entries.begin(), {"instances", names, group_line});
  w.groups.push_back(std::move(g));
}

}  // namespace vrrpd::keepalived_conf
