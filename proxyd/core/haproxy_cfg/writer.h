// What the directive translators (directives.cpp, options.cpp) share while
// reader.cpp walks a haproxy.cfg: the section being written, its facts the
// end of the section needs (checks, servers, stats), and the diagnostics.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config/diagnostics.h"
#include "common/core/config/env_expand.h"
#include "common/core/config/ini_document.h"
#include "common/core/result.h"
#include "common/core/text.h"
#include "proxyd/core/haproxy_cfg/lexer.h"

namespace proxyd::haproxy_cfg {

enum class SectionKind { None, Global, Defaults, Frontend, Backend, Listen, Resolvers, Userlist, Skipped };

// A proxy section's facts known only at its end.
struct ProxyFacts {
  std::optional<std::string> check;  // `check = …` from option httpchk, tcp-check, redis-check …
  int check_line = 0;
  bool default_server_check = false;                  // default-server … check
  std::vector<std::pair<std::size_t, bool>> servers;  // entry index, has `check`
  bool stats = false;                                 // stats enable / stats uri …
  bool forwards = false;                              // default_backend, use_backend, server
  bool disabled = false;                              // `disabled`: the proxy is left out
  std::vector<common::config::IniEntry> stats_entries;
  // monitor-uri: its http_request rules (not logged, answered), which go
  // first in each frontend (HAProxy answers it before any rule, unlogged,
  // and only in frontends).
  std::vector<common::config::IniEntry> monitor_uri;
};

class Writer {
 public:
  Writer(common::config::Diagnostics& diagnostics, const common::config::IniDocument& doc)
      : diagnostics_(diagnostics), doc_(doc) {}

  SectionKind kind = SectionKind::None;
  common::config::IniSection* section = nullptr;
  ProxyFacts facts;
  // ssl-default-bind-* of global: keys each frontend with ssl binds gets
  // unless it sets them itself (proxyd's TLS settings are per frontend).
  std::vector<common::config::IniEntry> bind_tls_defaults;
  std::string server_state_base;               // global server-state-base
  std::string ca_base;                         // global ca-base: prefix of relative ca-file paths
  std::string crt_base;                        // global crt-base: prefix of relative crt paths
  bool bind_no_tls_tickets = false;            // ssl-default-bind-options no-tls-tickets
  std::optional<std::string> inherited_check;  // the check kind of the defaults this proxy takes
  std::string with_base(const std::string& base, const std::string& path) const {
    return base.empty() || path.starts_with('/') ? path : base + "/" + path;
  }
  std::vector<std::string> global_logs;  // the `log =` values of global
  // Log lines of defaults sections while global has none: proxyd logs every
  // proxy to [global]'s targets, so they move there at the end.
  std::vector<common::config::IniEntry> defaults_logs;
  std::set<int> defaults_with_logs;  // their sections' lines
  // The environment: HAProxy expands $VAR in addresses even outside quotes.
  const common::config::EnvLookup* env = nullptr;
  // ssl-default-server-ciphers/-ciphersuites: options each `ssl` server
  // gets unless it gives its own ("ciphers=LIST").
  std::vector<std::string> server_tls_defaults;

  bool is_proxy() const {
    return kind == SectionKind::Defaults || kind == SectionKind::Frontend || kind == SectionKind::Backend ||
           kind == SectionKind::Listen;
  }
  bool has_frontend() const {
    return kind == SectionKind::Frontend || kind == SectionKind::Listen || kind == SectionKind::Defaults;
  }
  bool has_backend() const {
    return kind == SectionKind::Backend || kind == SectionKind::Listen || kind == SectionKind::Defaults;
  }

  void put(std::string key, std::string value, int line) {
    section->entries.push_back({std::move(key), std::move(value), line});
  }
  void error(int line, std::string message) { diagnostics_.error(doc_.at(line), std::move(message)); }
  void warning(int line, std::string message) { diagnostics_.warning(doc_.at(line), std::move(message)); }
  void notice(int line, std::string message) { diagnostics_.notice(doc_.at(line), std::move(message)); }

  // '<keyword>' is not supported by proxyd: <why>
  void unsupported(const CfgLine& l, std::string_view keyword, std::string_view why);
  // '<keyword>' changes nothing for proxyd: <why>
  void no_op(const CfgLine& l, std::string_view keyword, std::string_view why);
  // The verdict of keyword_table.cpp for <keyword> in <context>, reported;
  // false when the table does not know it.
  // <shown>: the keyword as the message names it (default <keyword>).
  bool known_elsewhere(const CfgLine& l, std::string_view context, std::string_view keyword,
                       std::string_view shown = {});

 private:
  common::config::Diagnostics& diagnostics_;
  const common::config::IniDocument& doc_;
};

// <text> cut at each <separator> (an empty text gives one empty piece).
inline std::vector<std::string_view> split_on(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  for (std::size_t at = 0;;) {
    const auto next = text.find(separator, at);
    out.push_back(text.substr(at, next - at));
    if (next == std::string_view::npos) return out;
    at = next + 1;
  }
}

// HAProxy's time (bare numbers are milliseconds, or <bare_unit>; us ms s m
// h d) in proxyd's words (bare numbers are seconds there).
common::Result<std::string> to_duration(std::string_view haproxy_time, std::string_view bare_unit = "ms");

// Check payload bytes (tcp-check send, agent-send) as proxyd's escapes
// (backslash, \r, \n, \t, \xHH), so they stay one word and reach the server
// as written.
std::string escape_check_text(std::string_view bytes);

// The directives of one line in the current section (directives.cpp).
void global_directive(Writer& w, const CfgLine& l);
void proxy_directive(Writer& w, const CfgLine& l);
void resolvers_directive(Writer& w, const CfgLine& l);
void userlist_directive(Writer& w, const CfgLine& l);
// `option …`, `no option …`, `http-check …`, `tcp-check …` (options.cpp).
void option_directive(Writer& w, const CfgLine& l);
void check_directive(Writer& w, const CfgLine& l);

// A `log TARGET … FACILITY [LEVEL]` line as proxyd's `log =` value
// (global_directives.cpp); nullopt after an error.
std::optional<std::string> log_value(Writer& w, const CfgLine& l);

// `server NAME ADDR [options]` and `default-server [options]` as proxyd's
// `server =` / `default_server =` value (options.cpp); <checked> tells
// whether `check` was among the options.
std::optional<std::string> server_value(Writer& w, const CfgLine& l, std::size_t first_option, bool& checked);
// `bind ADDR[,ADDR…] [options]` as proxyd's `bind =` values (one per
// address; `[::]:P v4v6` also gives `*:P`); frontend-wide TLS settings
// (ssl-min-ver, ciphers) are put as keys of the section. Empty after an error.
std::vector<std::string> bind_values(Writer& w, const CfgLine& l);

// A proxy section as written, with the defaults section it inherits (or none).
struct ProxyView {
  common::config::IniSection* section = nullptr;
  const common::config::IniSection* defaults = nullptr;
};

// HAProxy upgrades each connection of a mode tcp frontend to HTTP when the
// backend it picks is mode http (its use_backend conditions may read the
// request). A tcp frontend whose backends are all mode http therefore
// behaves as a mode http one: proxyd's gets `mode = http`, and tcplog when
// it logs with httplog (HAProxy's fallback in a tcp frontend). mode_upgrade.cpp.
void upgrade_tcp_frontends(std::vector<ProxyView>& proxies, Writer& w);

}  // namespace proxyd::haproxy_cfg
