#include "proxyd/core/haproxy_cfg/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>
#include <set>

#include "common/core/config/ini_writer.h"
#include "proxyd/core/haproxy_cfg/lexer.h"
#include "proxyd/core/haproxy_cfg/writer.h"

namespace proxyd::haproxy_cfg {
namespace {

using common::config::Diagnostics;
using common::config::IniEntry;
using common::config::IniSection;

// Keys a section may give several times: inherited lines come first.
bool repeatable(std::string_view key) {
  static const std::set<std::string_view> kKeys{"acl",
                                                "http_request",
                                                "http_response",
                                                "tcp_request",
                                                "use_backend",
                                                "redirect",
                                                "errorfile",
                                                "tcp_check",
                                                "server",
                                                "bind",
                                                "server_template",
                                                "capture_request_header",
                                                "capture_response_header",
                                                "declare_capture"};
  return kKeys.contains(key);
}

// Keys proxyd's [defaults] does not take (HAProxy's defaults may).
bool rule_key(std::string_view key) {
  return key == "acl" || key == "http_request" || key == "http_response" || key == "tcp_request" ||
         key == "use_backend" || key == "redirect" || key == "backend";
}

// Keys only a frontend takes: a backend inherits none of them.
bool frontend_key(std::string_view key) {
  return key == "backend" || key == "use_backend" || key == "redirect" || key == "tcp_request";
}

// HAProxy's defaults where proxyd's differ: written unless the file sets them.
const std::array<IniEntry, 2>& haproxy_defaults() {
  static const std::array<IniEntry, 2> kEntries{IniEntry{"redispatch", "false", 0},
                                                IniEntry{"dontlognull", "false", 0}};
  return kEntries;
}

bool has_key(const IniSection& s, std::string_view key) {
  return std::any_of(s.entries.begin(), s.entries.end(), [&](const IniEntry& e) { return e.key == key; });
}

// <base>'s entries the section does not override, then the section's own.
std::vector<IniEntry> merged(const std::vector<IniEntry>& base, const IniSection& own) {
  std::vector<IniEntry> out;
  for (const auto& e : base) {
    if (own.kind == "backend" && frontend_key(e.key)) continue;
    const bool overridden = repeatable(e.key) ? e.key == "tcp_check" && has_key(own, "tcp_check")
                                              : e.key != "default_server" && has_key(own, e.key);
    if (!overridden) out.push_back(e);
  }
  out.insert(out.end(), own.entries.begin(), own.entries.end());
  return out;
}

// Every default-server line of a section as one `default_server` (HAProxy
// merges them option by option; proxyd's later words override earlier ones).
void join_default_servers(IniSection& s) {
  std::optional<std::size_t> first;
  std::vector<IniEntry> out;
  for (auto& e : s.entries) {
    if (e.key == "default_server" && first) {
      out[*first].value += " " + e.value;
      continue;
    }
    if (e.key == "default_server") first = out.size();
    out.push_back(std::move(e));
  }
  s.entries = std::move(out);
}

// A repeated single-valued key: the last one wins, as HAProxy (warned).
void keep_last(IniSection& s, Writer& w) {
  join_default_servers(s);
  std::vector<IniEntry> out;
  for (std::size_t i = 0; i < s.entries.size(); ++i) {
    const auto& e = s.entries[i];
    const bool later =
        !repeatable(e.key) && std::any_of(s.entries.begin() + static_cast<std::ptrdiff_t>(i) + 1, s.entries.end(),
                                          [&](const IniEntry& x) { return x.key == e.key; });
    if (later && e.line != 0) {
      w.warning(e.line, fmt::format("'{}' is set again later in this section: the last one is used", e.key));
    }
    if (!later) out.push_back(e);
  }
  s.entries = std::move(out);
}

struct DefaultsBlock {
  std::string name;
  IniSection section;
  ProxyFacts facts;
};

struct Proxy {
  IniSection section;
  std::optional<std::size_t> defaults;  // index of the defaults it inherits
};

constexpr std::array<std::string_view, 8> kUnsupportedSections{"peers", "mailers", "program",  "http-errors",
                                                               "cache", "ring",    "fcgi-app", "log-forward"};

class Reader {
 public:
  Reader(common::config::IniDocument& doc, Diagnostics& diagnostics, const common::config::EnvLookup& env)
      : doc_(doc), w_(diagnostics, doc) {
    w_.env = &env;
    global_.kind = "global";
  }

  void line(const CfgLine& l) {
    if (starts_section(l.word(0))) return start_section(l);
    switch (w_.kind) {
      case SectionKind::None:
        return w_.error(l.line, fmt::format("'{}' outside of a section (global, defaults, frontend, backend, "
                                            "listen …)",
                                            l.word(0)));
      case SectionKind::Global:
        return global_directive(w_, l);
      case SectionKind::Resolvers:
        return resolvers_directive(w_, l);
      case SectionKind::Userlist:
        return userlist_directive(w_, l);
      case SectionKind::Skipped:
        return;
      default:
        return proxy_directive(w_, l);
    }
  }

  void finish() {
    end_section();
    keep_last(global_, w_);
    hoist_defaults_logs();
    doc_.sections.push_back(global_);
    emit_proxies();
    if (stats_) doc_.sections.push_back(*stats_);
    for (auto& s : others_) doc_.sections.push_back(std::move(s));
  }

 private:
  static bool starts_section(std::string_view word) {
    static constexpr std::array<std::string_view, 7> kKnown{"global", "defaults",  "frontend", "backend",
                                                            "listen", "resolvers", "userlist"};
    return std::find(kKnown.begin(), kKnown.end(), word) != kKnown.end() ||
           std::find(kUnsupportedSections.begin(), kUnsupportedSections.end(), word) != kUnsupportedSections.end();
  }

  std::optional<std::size_t> find_defaults(std::string_view name, int line) {
    for (std::size_t i = defaults_.size(); i-- > 0 && !name.empty();) {
      if (defaults_[i].name == name) return i;
    }
    w_.error(line, name.empty() ? std::string("'from' needs the name of a defaults section")
                                : fmt::format("'from {}': no defaults section of that name before this line", name));
    return std::nullopt;
  }

  // "from NAME" at the end of a section line.
  std::optional<std::size_t> inherited(const CfgLine& l, std::size_t from_at) {
    if (l.word(from_at) == "from") return find_defaults(l.word(from_at + 1), l.line);
    return last_defaults_;
  }

  void start_section(const CfgLine& l) {
    end_section();
    const auto keyword = l.word(0);
    w_.facts = {};
    current_ = IniSection{};
    current_.line = l.line;
    current_.name = std::string(l.word(1));
    if (keyword == "global") {
      w_.kind = SectionKind::Global;
      w_.section = &global_;
      if (global_.line == 0) global_.line = l.line;
      return;
    }
    if (keyword == "defaults") return start_defaults(l);
    if (std::find(kUnsupportedSections.begin(), kUnsupportedSections.end(), keyword) != kUnsupportedSections.end()) {
      w_.kind = SectionKind::Skipped;
      if (keyword == "peers") return w_.unsupported(l, keyword, "stick tables and their peers are not supported yet");
      if (!w_.known_elsewhere(l, "section", keyword)) w_.unsupported(l, keyword, "proxyd has no such section");
      return;
    }
    if (current_.name.empty()) {
      w_.kind = SectionKind::Skipped;
      return w_.error(l.line, fmt::format("'{}' needs a name", keyword));
    }
    current_.kind = std::string(keyword);
    w_.section = &current_;
    if (keyword == "resolvers" || keyword == "userlist") {
      w_.kind = keyword == "resolvers" ? SectionKind::Resolvers : SectionKind::Userlist;
      return;
    }
    w_.kind = keyword == "frontend"  ? SectionKind::Frontend
              : keyword == "backend" ? SectionKind::Backend
                                     : SectionKind::Listen;
    std::size_t from_at = 2;
    if (keyword == "listen" && l.words.size() > 2 && l.word(2) != "from") {
      w_.notice(l.line, "'listen NAME ADDRESS' is HAProxy 1.x's: read as a bind line");
      for (auto& value : bind_values(w_, CfgLine{{{"bind", false}, l.words[2]}, l.line})) w_.put("bind", value, l.line);
      from_at = 3;
    }
    current_defaults_ = inherited(l, from_at);
    w_.inherited_check = current_defaults_ ? defaults_[*current_defaults_].facts.check : std::nullopt;
  }

  void start_defaults(const CfgLine& l) {
    DefaultsBlock block;
    const bool named = l.words.size() > 1 && l.word(1) != "from";
    block.name = named ? std::string(l.word(1)) : "";
    const auto from_at = named ? 2u : 1u;
    if (l.word(from_at) == "from") {
      if (const auto base = find_defaults(l.word(from_at + 1), l.line)) {
        block.section = defaults_[*base].section;
        block.facts = defaults_[*base].facts;
      }
    }
    block.section.kind = "defaults";
    block.section.name.clear();
    block.section.line = l.line;
    defaults_.push_back(std::move(block));
    last_defaults_ = defaults_.size() - 1;
    w_.kind = SectionKind::Defaults;
    w_.inherited_check.reset();
    w_.section = &defaults_.back().section;
    w_.facts = defaults_.back().facts;
  }

  void end_section() {
    // stats in defaults: every proxy serves the page (HAProxy's meaning).
    // Written once: a `defaults … from` this one copies the entries.
    if (w_.kind == SectionKind::Defaults && w_.facts.stats) inline_stats(defaults_.back().section);
    if (w_.kind == SectionKind::Defaults) w_.facts.stats_entries.clear();
    if (w_.kind == SectionKind::Defaults) defaults_.back().facts = w_.facts;
    if (w_.kind == SectionKind::Resolvers || w_.kind == SectionKind::Userlist) others_.push_back(current_);
    if (w_.kind == SectionKind::Frontend || w_.kind == SectionKind::Backend || w_.kind == SectionKind::Listen) {
      end_proxy();
    }
    w_.kind = SectionKind::None;
    w_.section = nullptr;
  }

  void end_proxy() {
    const ProxyFacts* base = current_defaults_ ? &defaults_[*current_defaults_].facts : nullptr;
    if (w_.facts.disabled && w_.kind != SectionKind::Backend) return;  // left out, as HAProxy
    if (w_.facts.disabled) disable_servers();  // frontends that name it get 503, as from HAProxy
    const bool forwards = w_.facts.forwards || w_.kind == SectionKind::Backend;
    if (w_.facts.stats && !forwards) return stats_listener();
    if (w_.facts.stats) inline_stats(current_);
    const auto& monitor = !w_.facts.monitor_uri.empty() || !base ? w_.facts.monitor_uri : base->monitor_uri;
    if (w_.has_frontend()) current_.entries.insert(current_.entries.begin(), monitor.begin(), monitor.end());
    if (w_.has_backend()) checks(base);
    if (w_.has_backend()) server_tls_defaults();
    if (w_.has_frontend() && has_ssl_bind()) {
      for (const auto& e : w_.bind_tls_defaults) {
        if (!has_key(current_, e.key)) current_.entries.push_back(e);
      }
      for (auto& e : current_.entries) {
        const bool ssl = e.key == "bind" && e.value.find(" ssl") != std::string::npos;
        if (ssl && w_.bind_no_tls_tickets && e.value.find("no_tls_tickets") == std::string::npos) {
          e.value += " no_tls_tickets";
        }
      }
    }
    proxies_.push_back({current_, current_defaults_});
  }

  bool has_ssl_bind() const {
    return std::any_of(current_.entries.begin(), current_.entries.end(),
                       [](const IniEntry& e) { return e.key == "bind" && e.value.find(" ssl") != std::string::npos; });
  }

  // HAProxy checks the servers that say `check`: proxyd's check kind goes
  // on the backend, and the others get no_check.
  void checks(const ProxyFacts* base) {
    const bool all = w_.facts.default_server_check || (base && base->default_server_check);
    bool any = false;
    for (const auto& [index, checked] : w_.facts.servers) any = any || checked || all;
    if (!any) return;
    auto kind = w_.facts.check ? w_.facts.check : base ? base->check : std::nullopt;
    // option tcp-check without tcp-check lines: a connection check (HAProxy).
    const bool steps = has_key(current_, "tcp_check") ||
                       (current_defaults_ && has_key(defaults_[*current_defaults_].section, "tcp_check"));
    if (kind == "tcp-check" && !steps) kind = "tcp";
    const int line = w_.facts.check ? w_.facts.check_line : base && base->check ? base->check_line : current_.line;
    current_.entries.push_back({"check", kind.value_or("tcp"), line});
    for (const auto& [index, checked] : w_.facts.servers) {
      if (!checked && !all) current_.entries[index].value += " no_check";
    }
  }

  void disable_servers() {
    for (auto& e : current_.entries) {
      if (e.key == "server" || e.key == "server_template") e.value += " disabled";
    }
  }

  // global ssl-default-server-*: on each `ssl` server without its own.
  void server_tls_defaults() {
    for (auto& e : current_.entries) {
      if ((e.key != "server" && e.key != "server_template") || e.value.find(" ssl") == std::string::npos) continue;
      for (const auto& option : w_.server_tls_defaults) {
        const auto name = option.substr(0, option.find('=') + 1);
        if (e.value.find(" " + name) == std::string::npos) e.value += " " + option;
      }
    }
  }

  // The stats page inside a proxy that forwards traffic (or in defaults):
  // stats_* keys, served for the requests whose target begins with its uri.
  void inline_stats(IniSection& section) {
    const int line = w_.facts.stats_entries.empty() ? section.line : w_.facts.stats_entries.front().line;
    section.entries.push_back({"stats_enable", "true", line});
    for (const auto& e : w_.facts.stats_entries) {
      if (e.key == "admin") {
        w_.error(e.line,
                 "'stats admin' in a proxy that forwards traffic: proxyd's page acts on servers only from a "
                 "listener of its own (a 'listen stats' with its own bind)");
        continue;
      }
      section.entries.push_back({"stats_" + e.key, e.value, e.line});
    }
  }

  // A proxy that only serves the stats page becomes proxyd's [stats].
  void stats_listener() {
    if (stats_) return w_.error(current_.line, "a second stats listener: proxyd has one [stats] section");
    IniSection stats;
    stats.kind = "stats";
    stats.line = current_.line;
    for (const auto& e : current_.entries) {
      if (e.key == "bind") stats.entries.push_back(e);
    }
    stats.entries.insert(stats.entries.end(), w_.facts.stats_entries.begin(), w_.facts.stats_entries.end());
    w_.notice(current_.line, fmt::format("{} '{}' serves the stats page: it becomes proxyd's [stats] listener",
                                         current_.kind, current_.name));
    stats_ = std::move(stats);
  }

  void emit_proxies() {
    std::set<std::optional<std::size_t>> used;
    for (const auto& p : proxies_) used.insert(p.defaults);
    const bool one = used.size() == 1 && *used.begin() && !has_rules(defaults_[**used.begin()].section);
    IniSection defaults;
    defaults.kind = "defaults";
    if (one) defaults = defaults_[**used.begin()].section;
    for (const auto& e : haproxy_defaults()) {
      if (!has_key(defaults, e.key)) defaults.entries.insert(defaults.entries.begin(), e);
    }
    keep_last(defaults, w_);
    check_rule_sides();
    std::vector<ProxyView> views;
    for (auto& p : proxies_) views.push_back({&p.section, p.defaults ? &defaults_[*p.defaults].section : nullptr});
    upgrade_tcp_frontends(views, w_);
    for (auto& p : proxies_) {
      if (!one && p.defaults) p.section.entries = merged(defaults_[*p.defaults].section.entries, p.section);
      if (one) prepend_default_server(defaults, p.section);
      keep_last(p.section, w_);
    }
    doc_.sections.push_back(std::move(defaults));
    for (auto& p : proxies_) doc_.sections.push_back(std::move(p.section));
  }

  // [defaults]' default_server applies before a proxy's own (HAProxy merges
  // them; proxyd's key in a proxy would replace the inherited one).
  static void prepend_default_server(const IniSection& defaults, IniSection& proxy) {
    const auto inherited = std::find_if(defaults.entries.begin(), defaults.entries.end(),
                                        [](const IniEntry& e) { return e.key == "default_server"; });
    if (inherited == defaults.entries.end()) return;
    for (auto& e : proxy.entries) {
      if (e.key == "default_server") e.value = inherited->value + " " + e.value;
    }
  }

  // HAProxy refuses a defaults section with rules that both a frontend and
  // a backend use (its rules would run twice).
  void check_rule_sides() {
    for (std::size_t d = 0; d < defaults_.size(); ++d) {
      const auto& entries = defaults_[d].section.entries;
      const bool runs_rules = std::any_of(entries.begin(), entries.end(), [](const IniEntry& e) {
        return e.key == "acl" || e.key == "http_request" || e.key == "http_response" || e.key == "tcp_request";
      });
      if (!runs_rules) continue;
      bool front = false;
      bool back = false;
      for (const auto& p : proxies_) {
        if (p.defaults != d) continue;
        front = front || p.section.kind != "backend";
        back = back || p.section.kind == "backend";
      }
      if (front && back) {
        w_.error(defaults_[d].section.line,
                 "these defaults have rules (acl, http-request …) and are used by "
                 "frontends and backends both: HAProxy refuses this too; give each "
                 "side its own named defaults");
      }
    }
  }

  // A defaults section's log lines while global has none: every proxy
  // would log there, which in proxyd is [global]'s job. With one such
  // defaults section they move to [global]; with several, proxies would
  // log to different places, which proxyd cannot.
  void hoist_defaults_logs() {
    if (w_.defaults_logs.empty()) return;
    if (w_.defaults_with_logs.size() > 1) {
      for (const auto& e : w_.defaults_logs) {
        w_.error(e.line,
                 "'log' in several defaults sections: proxyd logs every proxy to [global]'s targets; put "
                 "the log lines in global");
      }
      return;
    }
    for (const auto& e : w_.defaults_logs) {
      w_.notice(e.line,
                "log in defaults (global has none): moved to [global], where proxyd sends every proxy's "
                "lines");
      global_.entries.push_back(e);
    }
  }

  static bool has_rules(const IniSection& s) {
    return std::any_of(s.entries.begin(), s.entries.end(), [](const IniEntry& e) { return rule_key(e.key); });
  }

  common::config::IniDocument& doc_;
  Writer w_;
  IniSection global_;
  IniSection current_;
  std::vector<DefaultsBlock> defaults_;
  std::optional<std::size_t> last_defaults_;
  std::optional<std::size_t> current_defaults_;
  std::vector<Proxy> proxies_;
  std::vector<IniSection> others_;
  std::optional<IniSection> stats_;
};

std::size_t count_lines(std::string_view text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
         (text.empty() || text.back() == '\n' ? 0 : 1);
}

}  // namespace

bool looks_like_haproxy(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto newline = std::min(text.find('\n', at), text.size());
    const auto line = common::text::trim(text.substr(at, newline - at));
    at = newline + 1;
    if (line.empty() || line.starts_with('#') || line.starts_with(';')) continue;
    if (line.starts_with('[')) return false;
    const auto words = common::text::split_words(line);
    static constexpr std::array<std::string_view, 9> kFirst{"global",    "defaults", "frontend", "backend", "listen",
                                                            "resolvers", "userlist", "peers",    ".if"};
    return std::find(kFirst.begin(), kFirst.end(), words.front()) != kFirst.end();
  }
  return false;
}

common::config::IniDocument read(std::span<const SourceFile> files, const common::config::EnvLookup& env,
                                 Diagnostics& diagnostics) {
  common::config::IniDocument doc;
  doc.file = files.empty() ? "" : files.front().name;
  int offset = 0;
  std::vector<CfgLine> lines;
  for (const auto& f : files) {
    doc.spans.push_back({offset + 1, f.name});
    auto more = lex(
        f.text, env, diagnostics, [&doc](int line) { return doc.at(line); }, offset);
    lines.insert(lines.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    offset += static_cast<int>(count_lines(f.text));
  }
  Reader reader(doc, diagnostics, env);
  for (const auto& l : lines) reader.line(l);
  reader.finish();
  return doc;
}

std::string to_ini(const common::config::IniDocument& doc) {
  return common::config::to_ini(doc, "proxyd configuration converted from haproxy.cfg (proxyd --convert)");
}

}  // namespace proxyd::haproxy_cfg
