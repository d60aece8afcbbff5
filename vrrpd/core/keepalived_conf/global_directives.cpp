// global_defs { … } as vrrpd's [global], and the instance defaults it sets
// (vrrp_version, vrrp_garp_*), plus the helpers every translator uses.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "vrrpd/core/keepalived_conf/keyword_table.h"
#include "vrrpd/core/keepalived_conf/writer.h"

namespace vrrpd::keepalived_conf {

void Writer::unmapped(std::string_view context, const Node& node) {
  const auto verdict = find_keyword(context, node.keyword());
  if (!verdict) {
    warning(node.line,
            fmt::format("unknown keyword '{}' in {}: left out (keepalived ignores it too)", node.keyword(), context));
  } else if (verdict->no_op) {
    notice(node.line, fmt::format("'{}' changes nothing for vrrpd: {}", node.keyword(), verdict->reason));
  } else {
    // The table's reasons may open with "KEYWORD is not supported: …".
    auto reason = verdict->reason;
    for (const auto& prefix : {fmt::format("{} is not supported: ", node.keyword()), std::string("not supported: ")}) {
      if (reason.starts_with(prefix)) reason.remove_prefix(prefix.size());
    }
    error(node.line, fmt::format("'{}' is not supported by vrrpd: {}", node.keyword(), reason));
  }
}

bool Writer::needs_args(const Node& node, std::size_t count) {
  if (node.arg_count() >= count) return true;
  error(node.line, fmt::format("'{}' needs {}", node.keyword(), count == 1 ? "a value" : "more values"));
  return false;
}

std::optional<std::string> seconds(std::string_view text) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  std::uint64_t s = 0;
  const auto r = std::from_chars(whole.data(), whole.data() + whole.size(), s);
  if (whole.empty() || r.ec != std::errc() || r.ptr != whole.data() + whole.size() || s > 1'000'000) {
    return std::nullopt;
  }
  std::uint64_t ms = s * 1000;
  if (dot != std::string_view::npos) {
    const auto fraction = text.substr(dot + 1);
    if (fraction.empty()) return std::nullopt;
    std::uint64_t scale = 100;
    for (const char c : fraction) {
      if (c < '0' || c > '9') return std::nullopt;
      ms += static_cast<std::uint64_t>(c - '0') * scale;
      scale /= 10;
    }
  }
  return ms % 1000 == 0 ? fmt::format("{}s", ms / 1000) : fmt::format("{}ms", ms);
}

std::optional<bool> boolean(const Node& node) {
  if (node.arg_count() == 0) return true;
  const auto v = node.arg(0);
  if (v == "on" || v == "true" || v == "yes") return true;
  if (v == "off" || v == "false" || v == "no") return false;
  return std::nullopt;
}

std::string command_of(const Node& node, std::size_t first, std::size_t count) {
  if (count == 1 && node.words[first + 1].quoted) return node.words[first + 1].text;
  std::string out;
  for (std::size_t i = first + 1; i < first + 1 + count && i < node.words.size(); ++i) {
    const auto& word = node.words[i].text;
    if (!out.empty()) out += ' ';
    out += word.find_first_of(" \t") == std::string::npos ? word : "'" + word + "'";
  }
  return out;
}

namespace {

// The instance keys global_defs sets for every instance without its own.
void instance_default(Writer& w, const Node& node, std::string key, bool is_time) {
  if (!w.needs_args(node, 1)) return;
  std::string value(node.arg(0));
  if (is_time) {
    const auto d = seconds(value);
    if (!d) return w.error(node.line, fmt::format("'{}': expected seconds, got '{}'", node.keyword(), value));
    value = *d;
  }
  w.instance_defaults.push_back({std::move(key), std::move(value), node.line});
}

// Keywords whose one accepted value changes nothing; any other is refused.
bool fixed_value(Writer& w, const Node& node, std::string_view context) {
  static constexpr std::pair<std::string_view, std::string_view> kFixed[] = {
      {"vrrp_garp_interval", "0"},
      {"vrrp_gna_interval", "0"},
      {"vrrp_mcast_group4", "224.0.0.18"},
      {"vrrp_mcast_group6", "ff02::12"},
      {"vrrp_down_timer_adverts", "3"},
      {"down_timer_adverts", "3"},
      {"unicast_ttl", "255"},
      {"mcast_dst_ip", "224.0.0.18"},
      {"mcast_dst_ip", "ff02::12"},
      {"strict_mode", "off"},
      {"strict_mode", "false"},
      {"strict_mode", "no"},
      {"vrrp_garp_interval", "0.0"},
      {"vrrp_gna_interval", "0.0"},
  };
  bool known = false;
  for (const auto& [keyword, value] : kFixed) {
    if (keyword != node.keyword()) continue;
    known = true;
    if (node.arg(0) == value) {
      w.notice(node.line, fmt::format("'{} {}' changes nothing for vrrpd: it is vrrpd's behaviour", keyword, value));
      return true;
    }
  }
  if (known) w.unmapped(context, node);
  return known;
}

// notification_email { … }, notification_email_from, smtp_server,
// smtp_connect_timeout, smtp_helo_name: [global]'s mail settings.
bool mail_setting(Writer& w, const Node& node) {
  const auto k = node.keyword();
  if (k == "notification_email") {
    std::string addresses;
    for (const auto& item : node.items) {
      for (const auto& word : item.words) addresses += (addresses.empty() ? "" : " ") + word.text;
    }
    for (std::size_t i = 0; i < node.arg_count(); ++i)
      addresses += (addresses.empty() ? "" : " ") + std::string(node.arg(i));
    if (!addresses.empty()) put(w.global, "notification_email", addresses, node.line);
    return true;
  }
  if (k == "smtp_connect_timeout") {
    if (!w.needs_args(node, 1)) return true;
    if (const auto d = seconds(node.arg(0))) {
      put(w.global, "smtp_connect_timeout", *d, node.line);
    } else {
      w.error(node.line, fmt::format("smtp_connect_timeout: '{}' is not a number of seconds", node.arg(0)));
    }
    return true;
  }
  if (k == "no_email_faults") {
    put(w.global, "no_email_faults", boolean(node).value_or(true) ? "true" : "false", node.line);
    return true;
  }
  if (k != "notification_email_from" && k != "smtp_server" && k != "smtp_helo_name" && k != "vmac_prefix") {
    return false;
  }
  if (w.needs_args(node, 1)) put(w.global, std::string(k), node.args_from(0), node.line);
  return true;
}

void script_user(Writer& w, const Node& node) {
  if (!w.needs_args(node, 1)) return;
  put(w.global, "script_user", std::string(node.arg(0)), node.line);
  if (node.arg_count() > 1 && node.arg(1) != node.arg(0)) {
    w.warning(node.line, fmt::format("script_user: vrrpd runs scripts with {}'s primary group, not '{}'", node.arg(0),
                                     node.arg(1)));
  }
}

void notify_fifo(Writer& w, const Node& node) {
  if (!w.needs_args(node, 1)) return;
  for (const auto& e : w.global.entries) {
    if (e.key == "notify_fifo" && e.value != node.arg(0)) {
      return w.error(node.line, "vrrpd writes one notify FIFO: notify_fifo and vrrp_notify_fifo name different files");
    }
  }
  if (!has_key(w.global, "notify_fifo")) put(w.global, "notify_fifo", std::string(node.arg(0)), node.line);
  if (node.arg_count() > 1) {
    w.warning(node.line,
              "notify_fifo: vrrpd creates the FIFO owned by root with mode 0600; the owner given is not set");
  }
}

}  // namespace

bool smtp_alert(Writer& w, common::config::IniSection& section, const Node& node) {
  const auto k = node.keyword();
  if (k != "smtp_alert" && k != "smtp_alert_vrrp") return false;
  const auto on = boolean(node);
  if (!on) {
    w.error(node.line, fmt::format("{}: expected on or off, got '{}'", k, node.arg(0)));
    return true;
  }
  // smtp_alert_vrrp is the VRRP side's own: it wins over global_defs' smtp_alert.
  if (k == "smtp_alert_vrrp") w.smtp_alert_vrrp_given = true;
  if (k == "smtp_alert" && &section == &w.global && w.smtp_alert_vrrp_given) return true;
  std::erase_if(section.entries, [](const auto& e) { return e.key == "smtp_alert"; });
  put(section, "smtp_alert", *on ? "true" : "false", node.line);
  return true;
}

namespace {

bool garp_default(Writer& w, const Node& node) {
  const auto k = node.keyword();
  if (k == "vrrp_version") {
    instance_default(w, node, "version", false);
  } else if (k == "vrrp_garp_master_delay") {
    instance_default(w, node, "garp_master_delay", true);
  } else if (k == "vrrp_garp_master_repeat") {
    instance_default(w, node, "garp_master_repeat", false);
  } else if (k == "vrrp_garp_master_refresh" || k == "vrrp_garp_extra_if") {
    if (node.arg(0) != "0") instance_default(w, node, "garp_master_refresh", true);
  } else if (k == "vrrp_min_garp") {
    if (boolean(node).value_or(true)) {
      w.instance_defaults.push_back({"garp_master_repeat", "1", node.line});
      w.instance_defaults.push_back({"garp_master_delay", "0s", node.line});
    }
  } else {
    return false;
  }
  return true;
}

std::optional<std::uint32_t> number(std::string_view text) {
  std::uint32_t n = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return n;
}

// vrrp_rt_priority, vrrp_no_swap, vrrp_rlimit_rttime (microseconds; vrrpd
// counts whole milliseconds, rounded up).
bool realtime_setting(Writer& w, const Node& node) {
  const auto k = node.keyword();
  if (k == "vrrp_no_swap") {
    put(w.global, "no_swap", "true", node.line);
    return true;
  }
  if (k != "vrrp_rt_priority" && k != "vrrp_rlimit_rttime") return false;
  if (!w.needs_args(node, 1)) return true;
  const auto value = number(node.arg(0));
  if (k == "vrrp_rt_priority") {
    if (!value || *value < 1 || *value > 99) {
      w.error(node.line, "vrrp_rt_priority: expected 1 to 99");
      return true;
    }
    put(w.global, "realtime_priority", std::to_string(*value), node.line);
  } else {
    if (!value || *value < 2) {
      w.error(node.line, "vrrp_rlimit_rttime: expected microseconds, at least 2");
      return true;
    }
    put(w.global, "rlimit_rttime", fmt::format("{}ms", (*value + 999) / 1000), node.line);
  }
  return true;
}

void global_item(Writer& w, const Node& node) {
  const auto k = node.keyword();
  if (k == "router_id") {
    if (w.needs_args(node, 1)) put(w.global, "router_id", std::string(node.arg(0)), node.line);
  } else if (k == "script_user") {
    script_user(w, node);
  } else if (k == "notify_fifo" || k == "vrrp_notify_fifo") {
    notify_fifo(w, node);
  } else if (k == "include_check" || k == "random_seed") {
    w.notice(node.line, fmt::format("'{}' changes nothing for vrrpd: an include that matches nothing is a warning, an "
                                    "unreadable one an error; ${{_RANDOM}} is refused",
                                    k));
  } else if (!garp_default(w, node) && !realtime_setting(w, node) && !smtp_alert(w, w.global, node) &&
             !mail_setting(w, node) && !fixed_value(w, node, "global_defs")) {
    w.unmapped("global_defs", node);
  }
}

}  // namespace

void global_defs(Writer& w, const Node& block) {
  if (w.global.line == 0) w.global.line = block.line;
  for (const auto& item : block.items) global_item(w, item);
}

bool instance_fixed_value(Writer& w, const Node& node) {
  return fixed_value(w, node, "vrrp_instance");
}

}  // namespace vrrpd::keepalived_conf
