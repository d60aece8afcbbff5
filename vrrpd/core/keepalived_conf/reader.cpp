#include "vrrpd/core/keepalived_conf/reader.h"

#include <fmt/format.h>

#include "vrrpd/core/keepalived_conf/block_tree.h"
#include "vrrpd/core/keepalived_conf/writer.h"

namespace vrrpd::keepalived_conf {
namespace {

using common::config::IniDocument;
using common::config::IniSection;

void top_level(Writer& w, const Node& node) {
  const auto k = node.keyword();
  if (k == "global_defs") {
    global_defs(w, node);
  } else if (k == "vrrp_instance") {
    vrrp_instance(w, node);
  } else if (k == "vrrp_script") {
    vrrp_script(w, node);
  } else if (k == "vrrp_track_process") {
    vrrp_track_process(w, node);
  } else if (k == "track_file" || k == "vrrp_track_file") {
    track_file(w, node);
  } else if (k == "vrrp_sync_group") {
    vrrp_sync_group(w, node);
  } else if (k == "instance" && node.arg_count() == 1) {
    // Several keepalived on one host: their pid and status files apart.
    put(w.global, "pidfile", fmt::format("/run/vrrpd-{}.pid", node.arg(0)), node.line);
    put(w.global, "status_file", fmt::format("/run/vrrpd/status-{}.json", node.arg(0)), node.line);
  } else {
    w.unmapped("section", node);
  }
}

// The tracker <ref> names, with the weight it must have: the reference's
// own, or 0 in a sync group that does not keep its members' weights
// (keepalived's rule). A different weight than the tracker's gets a copy.
std::optional<std::string> resolve(Writer& w, const TrackRef& ref, bool force_zero) {
  const auto it = w.trackers.find(ref.name);
  if (it == w.trackers.end()) {
    w.warning(ref.line,
              fmt::format("track '{}': no vrrp_script, vrrp_track_process or track_file of that name; left out (as "
                          "keepalived)",
                          ref.name));
    return std::nullopt;
  }
  const auto weight = force_zero ? std::string("0") : ref.weight.value_or(it->second.weight);
  if (weight == it->second.weight) {
    it->second.used = true;
    return ref.name;
  }
  const auto copy = fmt::format("{}.w{}", ref.name, weight);
  if (!w.trackers.contains(copy)) {
    TrackerDef t = it->second;
    t.section.name = copy;
    std::erase_if(t.section.entries, [](const auto& e) { return e.key == "weight"; });
    put(t.section, "weight", weight, ref.line);
    t.weight = weight;
    w.trackers[copy] = std::move(t);
    w.tracker_order.push_back(copy);
  }
  w.trackers[copy].used = true;
  return copy;
}

void resolve_tracks(Writer& w) {
  for (auto& in : w.instances) {
    std::vector<TrackRef> refs = in.tracks;
    bool force_zero = false;
    for (const auto& g : w.groups) {
      if (std::find(g.members.begin(), g.members.end(), in.section.name) == g.members.end()) continue;
      refs.insert(refs.end(), g.tracks.begin(), g.tracks.end());
      force_zero = !g.keep_weights;
    }
    for (const auto& ref : refs) {
      if (const auto name = resolve(w, ref, force_zero)) put(in.section, "track", *name, ref.line);
    }
  }
}

void assemble(Writer& w, IniDocument& doc) {
  doc.sections.push_back(std::move(w.global));
  for (const auto& name : w.tracker_order) {
    auto& t = w.trackers[name];
    if (t.used) {
      doc.sections.push_back(std::move(t.section));
    } else if (t.section.kind != "track_interface") {
      w.notice(t.section.line, fmt::format("'{}' is tracked by no instance: not run (as keepalived)", name));
    }
  }
  for (auto& in : w.instances) doc.sections.push_back(std::move(in.section));
  for (auto& g : w.groups) doc.sections.push_back(std::move(g.section));
}

}  // namespace

bool looks_like_keepalived(std::string_view text) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    const char c = line[first];
    if (c == '#' || c == ';' || c == '!') continue;
    return c != '[';
  }
  return false;
}

IniDocument read(const SourceFile& file, const LexOptions& options, common::config::Diagnostics& diagnostics) {
  IniDocument doc;
  doc.file = file.name;
  const auto lines = lex(file, options, doc, diagnostics);
  const auto nodes = build_tree(lines, doc, diagnostics);
  Writer w(doc, diagnostics);
  for (const auto& node : nodes) top_level(w, node);
  resolve_tracks(w);
  assemble(w, doc);
  return doc;
}

}  // namespace vrrpd::keepalived_conf
