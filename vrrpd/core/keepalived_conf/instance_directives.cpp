// vrrp_instance NAME { … } as vrrpd's [instance NAME]: the keys both spell
// alike, keepalived's seconds as durations, the blocks (virtual_ipaddress,
// unicast_peer, authentication, track_*) item by item, each at its line.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "vrrpd/core/keepalived_conf/writer.h"

namespace vrrpd::keepalived_conf {
namespace {

using common::config::IniSection;

constexpr std::string_view kSameKeys[] = {"state",   "interface",      "virtual_router_id", "priority",
                                          "version", "unicast_src_ip", "garp_master_repeat"};
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kTimeKeys{{
    {"advert_int", "advert_int"},
    {"preempt_delay", "preempt_delay"},
    {"garp_master_delay", "garp_master_delay"},
    {"garp_master_refresh", "garp_master_refresh"},
    {"garp_extra_if", "garp_master_refresh"},
}};

// `ADDRESS[/PREFIX] [dev IFACE] [label LABEL] [scope SCOPE] …` as `vip =`.
void vip_item(Writer& w, IniSection& section, const Node& item, std::string_view key) {
  static constexpr std::string_view kWithValue[] = {"brd", "broadcast", "peer", "preferred_lft", "track_group"};
  std::string value(item.keyword());
  bool ok = true;
  for (std::size_t i = 0; i < item.arg_count(); ++i) {
    const auto option = item.arg(i);
    if (option == "dev" || option == "label" || option == "scope") {
      if (i + 1 >= item.arg_count()) return w.error(item.line, fmt::format("VIP option '{}' needs a value", option));
      if (option == "scope" && item.arg(i + 1) == "nowhere") {
        w.error(item.line, "VIP scope 'nowhere' is not supported by vrrpd (global, site, link or host)");
        ok = false;
      }
      value += fmt::format(" {} {}", option, item.arg(++i));
      continue;
    }
    Node word{{KaWord{std::string(option), false}}, item.line, false, {}};
    w.unmapped("virtual_ipaddress", word);
    if (std::find(std::begin(kWithValue), std::end(kWithValue), option) != std::end(kWithValue)) ++i;
    if (option != "-nodad") ok = false;
  }
  if (ok) put(section, std::string(key), std::move(value), item.line);
}

// virtual_ipaddress_excluded: `vip_excluded =` (held with the VIPs, not advertised).
void vip_block(Writer& w, IniSection& section, const Node& block) {
  const auto key = block.keyword() == "virtual_ipaddress" ? "vip" : "vip_excluded";
  for (const auto& item : block.items) vip_item(w, section, item, key);
}

void peer_block(Writer& w, IniSection& section, const Node& block) {
  for (const auto& item : block.items) {
    put(section, "unicast_peer", std::string(item.keyword()), item.line);
    for (std::size_t i = 0; i < item.arg_count(); ++i) {
      if (item.arg(i) == "min_ttl" || item.arg(i) == "max_ttl") {
        w.unmapped("unicast_peer", Node{{KaWord{std::string(item.arg(i)), false}}, item.line, false, {}});
        ++i;
      } else {
        w.warning(item.line, fmt::format("unicast_peer: '{}' left out (keepalived ignores it too)", item.arg(i)));
      }
    }
  }
}

void auth_block(Writer& w, IniSection& section, const Node& block) {
  for (const auto& item : block.items) {
    if (item.keyword() == "auth_type") {
      if (!w.needs_args(item, 1)) continue;
      if (item.arg(0) != "PASS") {
        w.error(item.line, fmt::format("auth_type {} is not supported by vrrpd: use PASS (VRRPv2) or no "
                                       "authentication (IPsec AH is not implemented)",
                                       item.arg(0)));
        continue;
      }
      put(section, "auth_type", "PASS", item.line);
    } else if (item.keyword() == "auth_pass") {
      if (w.needs_args(item, 1)) put(section, "auth_pass", std::string(item.arg(0)), item.line);
    } else {
      w.unmapped("authentication", item);
    }
  }
}

// A block keyword written without its braces swallows the next lines in
// keepalived; refused here with the intended form.
bool is_block(Writer& w, const Node& node) {
  if (node.block) return true;
  w.error(node.line,
          fmt::format("'{}' is a block: write {} {{ … }} with one item per line", node.keyword(), node.keyword()));
  return false;
}

// use_vmac [NAME] [MAC]: the RFC 5798 MAC only (a MAC of one's own is refused).
void use_vmac(Writer& w, IniSection& section, const Node& node) {
  std::string name = "true";
  for (std::size_t i = 0; i < node.arg_count(); ++i) {
    const auto arg = node.arg(i);
    if (arg.find(':') != std::string_view::npos) {
      return w.error(node.line, fmt::format("use_vmac {}: a MAC of one's own is not supported by vrrpd; it uses "
                                            "RFC 5798's 00:00:5e:00:01:VRID (drop the MAC)",
                                            arg));
    }
    name = std::string(arg);
  }
  put(section, "use_vmac", name, node.line);
}

bool simple_key(Writer& w, IniSection& section, const Node& node) {
  const auto k = node.keyword();
  if (std::find(std::begin(kSameKeys), std::end(kSameKeys), k) != std::end(kSameKeys)) {
    if (w.needs_args(node, 1)) put(section, std::string(k), std::string(node.arg(0)), node.line);
    return true;
  }
  for (const auto& [keepalived, vrrpd] : kTimeKeys) {
    if (k != keepalived || !w.needs_args(node, 1)) continue;
    const auto d = seconds(node.arg(0));
    if (!d) {
      w.error(node.line, fmt::format("'{}': expected seconds, got '{}'", k, node.arg(0)));
    } else {
      put(section, std::string(vrrpd), *d, node.line);
    }
    return true;
  }
  if (k == "mcast_src_ip") {
    if (w.needs_args(node, 1)) put(section, "unicast_src_ip", std::string(node.arg(0)), node.line);
  } else if (k == "dont_track_primary") {
    put(section, "dont_track_primary", "true", node.line);
  } else if (k == "nopreempt") {
    put(section, "preempt", "false", node.line);
  } else if (k == "preempt") {
    put(section, "preempt", boolean(node).value_or(true) ? "true" : "false", node.line);
  } else if (k == "use_vmac") {
    use_vmac(w, section, node);
  } else if (k == "vmac_xmit_base") {
    put(section, "vmac_xmit_base", "true", node.line);
  } else {
    return notify_key(w, section, node);
  }
  return true;
}

void instance_item(Writer& w, InstanceDef& in, const Node& node) {
  const auto k = node.keyword();
  if (k == "virtual_ipaddress" || k == "virtual_ipaddress_excluded") {
    if (is_block(w, node)) vip_block(w, in.section, node);
  } else if (k == "unicast_peer") {
    if (is_block(w, node)) peer_block(w, in.section, node);
  } else if (k == "authentication") {
    if (is_block(w, node)) auth_block(w, in.section, node);
  } else if (k == "virtual_routes" || k == "virtual_rules") {
    // One route (rule) per line, ip(8)'s words: `route =` (`rule =`) as written.
    if (!is_block(w, node)) return;
    for (const auto& item : node.items) {
      put(in.section, k == "virtual_routes" ? "route" : "rule",
          std::string(item.keyword()) + (item.arg_count() > 0 ? " " + item.args_from(0) : ""), item.line);
    }
  } else if (k == "track_script" || k == "track_process" || k == "track_interface" || k == "track_file") {
    if (!is_block(w, node)) return;
    auto refs = track_block(w, node, k);
    in.tracks.insert(in.tracks.end(), refs.begin(), refs.end());
  } else if (!simple_key(w, in.section, node) && !smtp_alert(w, in.section, node) && !instance_fixed_value(w, node)) {
    w.unmapped("vrrp_instance", node);
  }
}

// keepalived derives what vrrpd would default otherwise: the priority of a
// MASTER (255), VRRPv3 for IPv6, global_defs' vrrp_version and vrrp_garp_*.
void derived_keys(Writer& w, IniSection& section) {
  std::string state;
  bool ipv6 = false;
  for (const auto& e : section.entries) {
    if (e.key == "state") state = e.value;
    if (e.key == "vip" && e.value.substr(0, e.value.find(' ')).find(':') != std::string::npos) ipv6 = true;
  }
  if (!has_key(section, "priority")) put(section, "priority", state == "MASTER" ? "255" : "100", section.line);
  for (const auto& d : w.instance_defaults) {
    if (!has_key(section, d.key)) put(section, d.key, d.value, d.line);
  }
  if (!ipv6) return;
  for (auto& e : section.entries) {
    if (e.key != "version" || e.value == "3") continue;
    w.warning(e.line, fmt::format("instance '{}': IPv6 needs VRRPv3; version 3 is used (as keepalived)", section.name));
    e.value = "3";
  }
  if (!has_key(section, "version")) put(section, "version", "3", section.line);
}

}  // namespace

bool notify_key(Writer& w, IniSection& section, const Node& node) {
  static constexpr std::string_view kNotify[] = {"notify", "notify_master", "notify_backup", "notify_fault",
                                                 "notify_stop"};
  const auto k = node.keyword();
  if (std::find(std::begin(kNotify), std::end(kNotify), k) == std::end(kNotify)) return false;
  if (!w.needs_args(node, 1)) return true;
  // A quoted command may be followed by [username [groupname]]; a bare one
  // is one word, the next ones being the user and group (keepalived's rule).
  if (node.arg_count() > 1) {
    w.error(node.line, fmt::format("'{}': vrrpd runs every notify script as [global] script_user (global_defs "
                                   "script_user); remove the user '{}' here or set it there",
                                   k, node.arg(1)));
    return true;
  }
  put(section, std::string(k), command_of(node, 0, 1), node.line);
  return true;
}

void vrrp_instance(Writer& w, const Node& block) {
  if (!w.needs_args(block, 1)) return;
  for (const auto& other : w.instances) {
    if (other.section.name == block.arg(0)) {
      return w.error(block.line, fmt::format("vrrp_instance '{}' is defined twice", block.arg(0)));
    }
  }
  InstanceDef in{{"instance", std::string(block.arg(0)), block.line, {}}, {}};
  for (const auto& item : block.items) instance_item(w, in, item);
  derived_keys(w, in.section);
  w.instances.push_back(std::move(in));
}

}  // namespace vrrpd::keepalived_conf
