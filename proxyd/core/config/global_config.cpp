// The keys of [global], [stats] and [userlist NAME] (proxy_config.cpp reads
// the proxy sections and calls these).
#include "proxyd/core/config/global_config.h"

#include <fmt/format.h>

#include "common/core/config/log_keys.h"

#include <algorithm>
#include <set>

#include "common/core/log/syslog_facility.h"
#include "common/core/text.h"
#include "proxyd/core/config/http_config.h"

namespace proxyd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;
using common::Status;

namespace {

// sun_path holds 108 bytes, the terminating NUL included.
constexpr std::size_t kMaxUnixSocketPath = 107;

Result<std::optional<std::string>> parse_socket_path(std::string_view v) {
  auto path = cfg::parse_path(v);
  if (!path) return tl::unexpected(path.error());
  if (path->size() > kMaxUnixSocketPath) return fail("a Unix socket path is at most {} bytes", kMaxUnixSocketPath);
  return std::optional<std::string>(*path);
}

// An absolute path without the characters that would make it ambiguous in a
// request target: ';' starts the ;csv suffix, '?' a query, '#' a fragment.
Result<std::string> parse_uri_path(std::string_view v) {
  v = common::text::trim(v);
  if (!v.starts_with('/')) return fail("expected a path starting with '/'");
  for (const char c : v) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == ';' || c == '?' || c == '#') {
      return fail("expected a path of visible characters without ';', '?' or '#'");
    }
  }
  return std::string(v);
}

Result<std::string> parse_realm(std::string_view v) {
  auto text = cfg::parse_text(v);
  if (!text) return text;
  for (const char c : *text) {
    if (c == '"' || static_cast<unsigned char>(c) < 0x20) {
      return fail("expected text without quotes or control characters");
    }
  }
  return text;
}

Result<StatsBind> parse_stats_bind(std::string_view v) {
  auto address = cfg::parse_endpoint(common::text::trim(v));
  if (!address) return tl::unexpected(address.error());
  return StatsBind{*address, 0};
}

Result<std::uint32_t> parse_threads(std::string_view v) {
  if (common::text::iequals(common::text::trim(v), "auto")) return 0u;
  auto n = cfg::parse_uint(v, 1, 64);
  if (!n) return fail("expected a thread count from 1 to 64, or auto");
  return static_cast<std::uint32_t>(*n);
}

// `admin_socket = PATH|ipv4@ADDR:PORT|ADDR:PORT [level user|operator|admin]`,
// repeatable: one Unix socket (the one `proxyd ctl` uses) and TCP ones.
Status apply_admin_socket(Global& g, std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.empty() || (words.size() != 1 && (words.size() != 3 || words[1] != "level")))
    return common::fail("expected PATH or ipv4@ADDRESS:PORT, then [level user|operator|admin]");
  auto level = stats::AccessLevel::Admin;
  if (words.size() == 3) {
    auto parsed = stats::parse_access_level(words[2]);
    if (!parsed) return tl::unexpected(parsed.error());
    level = *parsed;
  }
  auto target = words[0];
  const bool tcp = target.starts_with("ipv4@") || target.starts_with("ipv6@") || !target.starts_with('/');
  if (!tcp) {
    if (g.admin_socket) return common::fail("one Unix admin socket only (more may listen on TCP)");
    auto path = parse_socket_path(target);
    if (!path) return tl::unexpected(path.error());
    g.admin_socket = *path;
    g.admin_socket_level = level;
    return {};
  }
  if (target.starts_with("ipv4@") || target.starts_with("ipv6@")) target.remove_prefix(5);
  const auto address = common::net::Endpoint::parse(target);
  if (!address) return common::fail("'{}' is not a path (starting with /) or an ADDRESS:PORT", words[0]);
  g.admin_tcp.push_back({*address, level});
  return {};
}

// `admin = true|false|if COND|unless COND`: a condition on the request
// (HAProxy's predefined ACLs and anonymous ones: LOCALHOST, { src ... }).
Status apply_stats_admin(Stats& stats, std::string_view value) {
  const auto trimmed = common::text::trim(value);
  if (!trimmed.starts_with("if ") && !trimmed.starts_with("unless ")) {
    auto b = cfg::parse_bool(trimmed);
    if (!b) return tl::unexpected(b.error());
    stats.admin = *b;
    stats.admin_condition.reset();
    return {};
  }
  auto condition = parse_condition(trimmed);
  if (!condition) return tl::unexpected(condition.error());
  if (auto ok = sample::resolve(*condition, {}); !ok) return tl::unexpected(ok.error());
  stats.admin = true;
  stats.admin_condition = std::move(*condition);
  return {};
}

// [userlist NAME]: `user` and `group` lines (proxyd/core/http/userlist.h).
cfg::KeyTable<http::Userlist> userlist_keys() {
  using U = http::Userlist;
  return {
      cfg::custom<U>(
          "user", [](U& u, std::string_view v) { return u.add_user(v); }, {}, true),
      cfg::custom<U>(
          "group", [](U& u, std::string_view v) { return u.add_group(v); }, {}, true),
  };
}

}  // namespace

Result<StatsAuth> parse_stats_auth(std::string_view value) {
  value = common::text::trim(value);
  const auto colon = value.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size()) {
    return fail("expected USER:PASSWORD");
  }
  return StatsAuth{std::string(value.substr(0, colon)), std::string(value.substr(colon + 1))};
}

Result<std::uint32_t> parse_file_mode(std::string_view value) {
  value = common::text::trim(value);
  std::uint32_t mode = 0;
  const bool digits_ok = value.size() >= 3 && value.size() <= 4 &&
                         std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '7'; });
  if (digits_ok) {
    for (const char c : value) mode = mode * 8 + static_cast<std::uint32_t>(c - '0');
  }
  if (!digits_ok || mode > 0777) return fail("expected an octal file mode such as 0600 or 0660");
  return mode;
}

cfg::KeyTable<Global> global_keys() {
  using G = Global;
  return {
      cfg::field("user", &G::user, cfg::optional_of(cfg::parse_account_name)),
      cfg::field("group", &G::group, cfg::optional_of(cfg::parse_account_name)),
      cfg::field("pidfile", &G::pidfile, cfg::parse_path, "/run/proxyd.pid"),
      cfg::field("maxconn", &G::maxconn, cfg::uint_in<std::uint32_t>(1, 10'000'000), "20000"),
      cfg::field("threads", &G::threads, parse_threads),  // 1 unless set (Global::threads)
      cfg::field("nbthread", &G::threads, parse_threads),
      cfg::list("cpu_map", &G::cpu_maps, parse_cpu_map),
      cfg::custom<G>(
          "log",
          [](G& g, std::string_view v) -> Status {
            auto target = common::log::parse_log_line(v);
            if (!target) return tl::unexpected(target.error());
            g.logs.push_back(std::move(*target));
            return {};
          },
          {}, true),
      cfg::log_facility_key(&G::log, "local0"),
      cfg::log_tag_key(&G::log, "proxyd"),
      cfg::field("hard_stop_after", &G::hard_stop_after, cfg::parse_duration, "30s"),
      cfg::field("server_state_file", &G::server_state_file, cfg::parse_path),
      cfg::custom<G>("admin_socket", apply_admin_socket, {}, true),
      cfg::field("admin_socket_mode", &G::admin_socket_mode, parse_file_mode, "0600"),
      cfg::field("admin_socket_user", &G::admin_socket_user, cfg::optional_of(cfg::parse_account_name)),
      cfg::field("admin_socket_group", &G::admin_socket_group, cfg::optional_of(cfg::parse_account_name)),
  };
}

cfg::KeyTable<Stats> stats_keys() {
  using S = Stats;
  return {
      cfg::required(cfg::list("bind", &S::binds, parse_stats_bind)),
      cfg::field("uri", &S::uri, parse_uri_path, "/stats"),
      cfg::list("auth", &S::auth, parse_stats_auth),
      cfg::field("realm", &S::realm, parse_realm, "proxyd statistics"),
      cfg::field("refresh", &S::refresh, cfg::optional_of(cfg::parse_duration)),
      cfg::custom<S>("admin", apply_stats_admin),
      cfg::custom<S>("stats_admin", apply_stats_admin),
      cfg::field("stats_refresh", &S::refresh, cfg::optional_of(cfg::parse_duration)),
      cfg::field("hide_version", &S::hide_version, cfg::parse_bool),
      cfg::field("stats_hide_version", &S::hide_version, cfg::parse_bool),
      cfg::field("show_node", &S::show_node, cfg::parse_text),
      cfg::field("stats_show_node", &S::show_node, cfg::parse_text),
      cfg::field("show_legends", &S::show_legends, cfg::parse_bool),
      cfg::field("stats_show_legends", &S::show_legends, cfg::parse_bool),
      cfg::field("prometheus_uri", &S::prometheus_uri, parse_uri_path, "/metrics"),
      cfg::field("health_uri", &S::health_uri, parse_uri_path, "/healthz"),
  };
}

namespace {

// The stats page inside a proxy: what HAProxy's `stats enable` alone gives.
Stats& stats_in(ProxySettings& s) {
  if (!s.stats) {
    Stats page;
    page.uri = "/haproxy?stats";  // HAProxy's default
    page.realm = "proxyd statistics";
    s.stats = std::move(page);
  }
  return *s.stats;
}

// A request-target prefix (HAProxy compares the start of the target, query
// included: its default is /haproxy?stats).
Result<std::string> parse_uri_prefix(std::string_view v) {
  v = common::text::trim(v);
  if (!v.starts_with('/')) return fail("expected a path starting with '/'");
  for (const char c : v) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '#') return fail("expected visible characters without '#'");
  }
  return std::string(v);
}

// A key of the page inside a proxy: <apply> edits its Stats.
template <class Parser, class Setter>
cfg::Key<ProxySettings> page_key(std::string_view name, Parser parse, Setter set, bool repeatable = false) {
  return cfg::custom<ProxySettings>(
      name,
      [parse, set](ProxySettings& s, std::string_view v) -> Status {
        auto parsed = parse(v);
        if (!parsed) return tl::unexpected(parsed.error());
        set(stats_in(s), std::move(*parsed));
        return {};
      },
      {}, repeatable);
}

}  // namespace

cfg::KeyTable<ProxySettings> proxy_stats_keys() {
  using Page = Stats;
  return {
      cfg::custom<ProxySettings>("stats_enable",
                                 [](ProxySettings& s, std::string_view v) -> Status {
                                   auto on = cfg::parse_bool(v);
                                   if (!on) return tl::unexpected(on.error());
                                   if (*on) stats_in(s);
                                   if (!*on) s.stats.reset();
                                   return {};
                                 }),
      page_key("stats_uri", parse_uri_prefix, [](Page& p, std::string v) { p.uri = std::move(v); }),
      page_key(
          "stats_auth", parse_stats_auth, [](Page& p, StatsAuth a) { p.auth.push_back(std::move(a)); }, true),
      page_key("stats_realm", parse_realm, [](Page& p, std::string v) { p.realm = std::move(v); }),
      page_key("stats_refresh", cfg::parse_duration, [](Page& p, Duration d) { p.refresh = d; }),
      page_key("stats_hide_version", cfg::parse_bool, [](Page& p, bool b) { p.hide_version = b; }),
      page_key("stats_show_node", cfg::parse_text, [](Page& p, std::string v) { p.show_node = std::move(v); }),
      page_key("stats_show_legends", cfg::parse_bool, [](Page& p, bool b) { p.show_legends = b; }),
  };
}

// Every `log` target, with log_facility (unless its line names one) and
// log_tag; none: syslog. <global>.log is the first.
void finish_log_targets(Global& global) {
  if (global.logs.empty()) global.logs.push_back({});
  for (auto& target : global.logs) {
    target.tag = global.log.tag;
    if (!target.facility_given) target.facility = global.log.facility;
  }
  global.log = global.logs.front();
}

void load_userlist(const cfg::IniDocument& doc, const cfg::IniSection& s, sample::Library& lib,
                   cfg::Diagnostics& diagnostics) {
  http::Userlist list(s.name);
  cfg::load_section(doc, s, userlist_keys(), list, diagnostics);
  if (auto ok = list.check(); !ok) {
    diagnostics.error(doc.at(s.line), fmt::format("[userlist {}]: {}", s.name, ok.error().describe()));
  }
  lib.userlists.insert_or_assign(s.name, std::move(list));
}

// The stats listener: distinct paths, no address shared with a frontend, and
// a warning when anyone beyond this host can read (or act on) it unchallenged.
void validate_stats(const cfg::IniDocument& doc, const ProxyConfig& config, cfg::Diagnostics& diagnostics) {
  const auto& stats = *config.stats;
  if (stats.uri == stats.prometheus_uri || stats.uri == stats.health_uri || stats.prometheus_uri == stats.health_uri) {
    diagnostics.error(doc.at(stats.line), "[stats]: uri, prometheus_uri and health_uri must differ");
  }
  std::set<common::net::Endpoint> seen;
  for (const auto& b : stats.binds) {
    if (!seen.insert(b.address).second) {
      diagnostics.error(doc.at(b.line), fmt::format("[stats]: {} bound twice", b.address.to_string()));
    }
    for (const auto& f : config.frontends) {
      for (const auto& fb : f.binds) {
        if (fb.address == b.address) {
          diagnostics.error(doc.at(b.line), fmt::format("[stats]: address {} is already bound by frontend '{}'",
                                                        b.address.to_string(), f.name));
        }
      }
    }
    if (stats.auth.empty() && !b.address.address.is_loopback()) {
      diagnostics.warning(doc.at(b.line),
                          fmt::format("[stats] binds {} beyond loopback without 'auth': anyone who reaches it can "
                                      "read the statistics{}",
                                      b.address.to_string(), stats.admin ? " and change server states" : ""));
    }
  }
}

}  // namespace proxyd::config
