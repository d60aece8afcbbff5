// A mode tcp frontend whose backends are all mode http (writer.h).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "proxyd/core/haproxy_cfg/writer.h"
#include "proxyd/core/log/log_format.h"

namespace proxyd::haproxy_cfg {
namespace {

using common::config::IniEntry;
using common::config::IniSection;

// The value of <key> the section ends with: its own last one, else its
// defaults', else <fallback>.
std::string effective(const ProxyView& p, std::string_view key, std::string_view fallback) {
  for (const auto* s : {static_cast<const IniSection*>(p.section), p.defaults}) {
    if (s == nullptr) continue;
    for (auto e = s->entries.rbegin(); e != s->entries.rend(); ++e) {
      if (e->key == key) return e->value;
    }
  }
  return std::string(fallback);
}

// The backends a frontend section names (backend, use_backend); nullopt
// when one is computed (use_backend %[…]) and cannot be known here.
std::optional<std::vector<std::string>> named_backends(const ProxyView& p) {
  std::vector<std::string> names;
  for (const auto* s : {static_cast<const IniSection*>(p.section), p.defaults}) {
    if (s == nullptr) continue;
    for (const auto& e : s->entries) {
      if (e.key != "backend" && e.key != "use_backend") continue;
      const auto name = e.value.substr(0, e.value.find(' '));
      if (name.find('%') != std::string::npos) return std::nullopt;
      names.push_back(name);
    }
  }
  return names;
}

}  // namespace

void upgrade_tcp_frontends(std::vector<ProxyView>& proxies, Writer& w) {
  std::map<std::string, std::string, std::less<>> backend_modes;
  for (const auto& p : proxies) {
    if (p.section->kind != "frontend") backend_modes[p.section->name] = effective(p, "mode", "tcp");
  }
  for (auto& p : proxies) {
    if (p.section->kind != "frontend" || effective(p, "mode", "tcp") != "tcp") continue;
    const auto names = named_backends(p);
    if (!names || names->empty()) continue;
    const bool all_http = std::all_of(names->begin(), names->end(), [&](const std::string& n) {
      const auto it = backend_modes.find(n);
      return it != backend_modes.end() && it->second == "http";
    });
    if (!all_http) continue;
    const int line = p.section->line;
    p.section->entries.push_back(IniEntry{"mode", "http", line});
    // tcplog's format string: the bare word means httplog in a mode http frontend.
    if (effective(p, "log_format", "tcplog").starts_with("httplog")) {
      p.section->entries.push_back(IniEntry{"log_format", std::string(log::kTcpLogFormat), line});
    }
    w.notice(line, fmt::format("frontend '{}' is mode tcp and all its backends are mode http: HAProxy turns each "
                               "connection into HTTP, so proxyd's frontend is mode http (logged as tcplog)",
                               p.section->name));
  }
}

}  // namespace proxyd::haproxy_cfg
