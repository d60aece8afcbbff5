#include "proxyd/core/config/proxy_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/core/config/config_table.h"
#include "common/core/log/syslog_facility.h"
#include "common/core/text.h"
#include "proxyd/core/config/http_config.h"
#include "proxyd/core/log/log_format.h"

namespace proxyd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;
using common::Status;

namespace {

template <class T>
using Choices = std::vector<std::pair<std::string_view, T>>;

const Choices<Mode> kModes{{"tcp", Mode::Tcp}, {"http", Mode::Http}};
const Choices<Balance> kBalances{{"roundrobin", Balance::RoundRobin}, {"static-rr", Balance::StaticRr},
                                 {"leastconn", Balance::LeastConn},   {"source", Balance::Source},
                                 {"first", Balance::First},           {"random", Balance::Random}};
const Choices<HashType> kHashTypes{{"map-based", HashType::Map}, {"consistent", HashType::Consistent}};
const Choices<std::string> kTlsVersions{{"TLSv1.2", "TLSv1.2"}, {"TLSv1.3", "TLSv1.3"}};

template <class T>
auto choice(const Choices<T>& choices) {
  return [&choices](std::string_view v) { return cfg::parse_choice(v, choices); };
}

auto optional_duration() {
  return [](std::string_view v) -> Result<std::optional<Duration>> {
    auto d = cfg::parse_duration(v);
    if (!d) return tl::unexpected(d.error());
    return std::optional<Duration>(*d);
  };
}

auto optional_account() {
  return [](std::string_view v) -> Result<std::optional<std::string>> {
    auto n = cfg::parse_account_name(v);
    if (!n) return tl::unexpected(n.error());
    return std::optional<std::string>(*n);
  };
}

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
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      return fail("expected text without quotes, backslashes or control characters");
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

// `balance = roundrobin ... | uri | hdr(NAME)`.
Status apply_balance(ProxySettings& s, std::string_view v) {
  v = common::text::trim(v);
  if (v.starts_with("hdr(") && v.ends_with(')')) {
    const auto name = v.substr(4, v.size() - 5);
    auto header = parse_header_rule(http::HeaderRule::Action::Del, name);
    if (!header) return fail("balance hdr(NAME): expected a header name");
    s.balance = Balance::Header;
    s.balance_header = header->name;
    return {};
  }
  static const Choices<Balance> kAll = [] {
    auto all = kBalances;
    all.emplace_back("uri", Balance::Uri);
    all.emplace_back("hdr(NAME)", Balance::Header);
    return all;
  }();
  auto balance = cfg::parse_choice(v, kAll);
  if (!balance || *balance == Balance::Header) {
    return fail("expected one of roundrobin, static-rr, leastconn, source, first, random, uri, hdr(NAME)");
  }
  s.balance = *balance;
  s.balance_header.clear();
  return {};
}

// `check = none | tcp | http [METHOD PATH [HTTP/1.x] [Host=NAME]]`.
Status apply_check(ProxySettings& s, std::string_view v) {
  const auto words = common::text::split_words(v);
  if (words.size() == 1 && words[0] == "none") {
    s.check = CheckKind::None;
  } else if (words.size() == 1 && words[0] == "tcp") {
    s.check = CheckKind::Tcp;
  } else if (!words.empty() && words[0] == "http") {
    auto check = parse_http_check(common::text::trim(v).substr(4));
    if (!check) return tl::unexpected(check.error());
    s.check = CheckKind::Http;
    s.http_check = std::move(*check);
  } else {
    return fail("expected none, tcp or http [METHOD PATH [HTTP/1.1 Host=NAME]]");
  }
  return {};
}

// A repeatable header rule key: http_{request,response}_{add,set,del}_header.
cfg::Key<ProxySettings> header_rule_key(std::string_view name, std::vector<http::HeaderRule> ProxySettings::*rules,
                                        http::HeaderRule::Action action) {
  return {name,
          {},
          [rules, action](ProxySettings& s, std::string_view v, int line) -> Status {
            auto rule = parse_header_rule(action, v);
            if (!rule) return tl::unexpected(rule.error());
            rule->line = line;
            (s.*rules).push_back(std::move(*rule));
            return {};
          },
          true};
}

// `errorfile = STATUS PATH`: a section's file for a status replaces the one
// inherited from [defaults] (and an earlier one in the same section).
cfg::Key<ProxySettings> errorfile_key() {
  return {"errorfile",
          {},
          [](ProxySettings& s, std::string_view v, int line) -> Status {
            auto file = parse_errorfile(v);
            if (!file) return tl::unexpected(file.error());
            file->line = line;
            std::erase_if(s.errorfiles, [&](const ErrorFile& e) { return e.status == file->status; });
            s.errorfiles.push_back(std::move(*file));
            return {};
          },
          true};
}

auto optional_cidr() {
  return [](std::string_view v) -> Result<std::optional<common::net::Cidr>> {
    auto c = cfg::parse_cidr(common::text::trim(v));
    if (!c) return tl::unexpected(c.error());
    return std::optional<common::net::Cidr>(*c);
  };
}

auto optional_cookie() {
  return [](std::string_view v) -> Result<std::optional<http::CookieSettings>> {
    auto c = parse_cookie(v);
    if (!c) return tl::unexpected(c.error());
    return std::optional<http::CookieSettings>(std::move(*c));
  };
}

// 1 KiB to 1 MiB.
Result<std::uint32_t> parse_header_size(std::string_view v) {
  auto size = cfg::parse_size(v);
  if (!size || *size < 1024 || *size > 1024 * 1024) return fail("expected a size from 1k to 1m");
  return static_cast<std::uint32_t>(*size);
}

// Proxy keys, shared by [defaults], [frontend], [backend] and [listen]. The
// defaults here are those of a [defaults] section absent from the file.
cfg::KeyTable<ProxySettings> proxy_keys() {
  using S = ProxySettings;
  return {
      cfg::field("mode", &S::mode, choice(kModes), "tcp"),
      cfg::field("timeout_connect", &S::timeout_connect, cfg::parse_duration, "5s"),
      cfg::field("timeout_client", &S::timeout_client, cfg::parse_duration, "60s"),
      cfg::field("timeout_server", &S::timeout_server, cfg::parse_duration, "60s"),
      cfg::field("timeout_queue", &S::timeout_queue, optional_duration()),
      cfg::field("timeout_tarpit", &S::timeout_tarpit, optional_duration()),
      cfg::field("tcp_request_inspect_delay", &S::tcp_request_inspect_delay, cfg::parse_duration, "0"),
      cfg::field("retries", &S::retries, cfg::uint_in<std::uint32_t>(0, 100), "3"),
      cfg::field("redispatch", &S::redispatch, cfg::parse_bool, "true"),
      cfg::field("log_format", &S::log_format, cfg::parse_text, "tcplog"),
      cfg::field("dontlognull", &S::dontlognull, cfg::parse_bool, "true"),
      cfg::field("dontlog_normal", &S::dontlog_normal, cfg::parse_bool, "false"),
      cfg::field("log_separate_errors", &S::log_separate_errors, cfg::parse_bool, "false"),
      cfg::field("maxconn", &S::maxconn, cfg::uint_in<std::uint32_t>(0, 10'000'000), "0"),
      cfg::custom<S>("balance", apply_balance, "roundrobin"),
      cfg::field("hash_type", &S::hash_type, choice(kHashTypes), "map-based"),
      cfg::custom<S>("check", apply_check, "none"),
      cfg::field("check_interval", &S::check_interval, cfg::parse_duration, "2s"),
      cfg::field("check_timeout", &S::check_timeout, optional_duration()),
      cfg::field("rise", &S::rise, cfg::uint_in<std::uint32_t>(1, 1000), "2"),
      cfg::field("fall", &S::fall, cfg::uint_in<std::uint32_t>(1, 1000), "3"),
      cfg::field("check_expect", &S::check_expect, parse_check_expect, "status 200-399"),
      cfg::field("http_server_close", &S::http_server_close, cfg::parse_bool, "false"),
      cfg::field("http_close", &S::http_close, cfg::parse_bool, "false"),
      cfg::field("forwardfor", &S::forwardfor, cfg::parse_bool, "false"),
      cfg::field("forwardfor_except", &S::forwardfor_except, optional_cidr()),
      header_rule_key("http_request_add_header", &S::request_header_rules, http::HeaderRule::Action::Add),
      header_rule_key("http_request_set_header", &S::request_header_rules, http::HeaderRule::Action::Set),
      header_rule_key("http_request_del_header", &S::request_header_rules, http::HeaderRule::Action::Del),
      header_rule_key("http_response_add_header", &S::response_header_rules, http::HeaderRule::Action::Add),
      header_rule_key("http_response_set_header", &S::response_header_rules, http::HeaderRule::Action::Set),
      header_rule_key("http_response_del_header", &S::response_header_rules, http::HeaderRule::Action::Del),
      cfg::field("cookie", &S::cookie, optional_cookie()),
      errorfile_key(),
      cfg::field("timeout_http_request", &S::timeout_http_request, cfg::parse_duration, "10s"),
      cfg::field("timeout_http_keep_alive", &S::timeout_http_keep_alive, optional_duration()),
      cfg::field("timeout_tunnel", &S::timeout_tunnel, optional_duration()),
      cfg::field("max_header_size", &S::max_header_size, parse_header_size, "16k"),
      cfg::field("max_headers", &S::max_headers, cfg::uint_in<std::uint32_t>(1, 1000), "100"),
      cfg::field("ssl_min_version", &S::ssl_min_version, choice(kTlsVersions), "TLSv1.2"),
      cfg::field("ssl_ciphers", &S::ssl_ciphers, cfg::parse_word),
      cfg::field("ssl_ciphersuites", &S::ssl_ciphersuites, cfg::parse_word),
  };
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

cfg::KeyTable<Global> global_keys() {
  using G = Global;
  return {
      cfg::field("user", &G::user, optional_account()),
      cfg::field("group", &G::group, optional_account()),
      cfg::field("pidfile", &G::pidfile, cfg::parse_path, "/run/proxyd.pid"),
      cfg::field("maxconn", &G::maxconn, cfg::uint_in<std::uint32_t>(1, 10'000'000), "20000"),
      cfg::field("threads", &G::threads, parse_threads, "1"),
      cfg::custom<G>(
          "log",
          [](G& g, std::string_view v) -> Status {
            auto target = common::log::parse_log_line(v);
            if (!target) return tl::unexpected(target.error());
            g.logs.push_back(std::move(*target));
            return {};
          },
          {}, true),
      cfg::custom<G>(
          "log_facility",
          [](G& g, std::string_view v) -> Status {
            auto f = common::log::parse_syslog_facility(v);
            if (!f) return tl::unexpected(f.error());
            g.log.facility = *f;
            return {};
          },
          "local0"),
      cfg::custom<G>(
          "log_tag",
          [](G& g, std::string_view v) -> Status {
            auto t = cfg::parse_word(v);
            if (!t) return tl::unexpected(t.error());
            g.log.tag = *t;
            return {};
          },
          "proxyd"),
      cfg::field("hard_stop_after", &G::hard_stop_after, cfg::parse_duration, "30s"),
      cfg::custom<G>("admin_socket", apply_admin_socket, {}, true),
      cfg::field("admin_socket_mode", &G::admin_socket_mode, parse_file_mode, "0600"),
      cfg::field("admin_socket_user", &G::admin_socket_user, optional_account()),
      cfg::field("admin_socket_group", &G::admin_socket_group, optional_account()),
  };
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

cfg::KeyTable<Stats> stats_keys() {
  using S = Stats;
  return {
      cfg::required(cfg::list("bind", &S::binds, parse_stats_bind)),
      cfg::field("uri", &S::uri, parse_uri_path, "/stats"),
      cfg::list("auth", &S::auth, parse_stats_auth),
      cfg::field("realm", &S::realm, parse_realm, "proxyd statistics"),
      cfg::field("refresh", &S::refresh, optional_duration()),
      cfg::custom<S>("admin", apply_stats_admin),
      cfg::custom<S>("stats_admin", apply_stats_admin),
      cfg::field("stats_refresh", &S::refresh, optional_duration()),
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

void load_userlist(const cfg::IniDocument& doc, const cfg::IniSection& s, sample::Library& lib,
                   cfg::Diagnostics& diagnostics) {
  http::Userlist list(s.name);
  cfg::load_section(doc, s, userlist_keys(), list, diagnostics);
  if (auto ok = list.check(); !ok) {
    diagnostics.error(doc.at(s.line), fmt::format("[userlist {}]: {}", s.name, ok.error().describe()));
  }
  lib.userlists.insert_or_assign(s.name, std::move(list));
}

// The section's ACLs from its `acl` lines (each checked when read).
sample::AclTable build_acls(std::vector<AclDefinition>& acls) {
  sample::AclTable table;
  for (auto& a : acls) sample::add_acl(table, std::move(a.acl));
  return table;
}

// Binds a condition to the section's ACLs: an unknown name is an error at
// the rule's line.
void resolve_condition(const cfg::IniDocument& doc, const sample::AclTable& acls, std::string_view key,
                       sample::Condition& c, int line, cfg::Diagnostics& diagnostics) {
  if (auto ok = sample::resolve(c, acls); !ok) {
    diagnostics.error(doc.at(line), fmt::format("key '{}': {}", key, ok.error().describe()));
  }
}

void resolve_actions(const cfg::IniDocument& doc, const sample::AclTable& acls, std::vector<http::HttpAction>& rules,
                     std::string_view key, cfg::Diagnostics& diagnostics) {
  for (auto& rule : rules) {
    if (rule.condition) resolve_condition(doc, acls, key, *rule.condition, rule.line, diagnostics);
  }
}

void resolve_conditions(const cfg::IniDocument& doc, Frontend& f, cfg::Diagnostics& diagnostics) {
  for (auto& rule : f.use_backends) {
    if (rule.condition) resolve_condition(doc, f.acls, "use_backend", *rule.condition, rule.line, diagnostics);
  }
  for (auto& rule : f.redirects) {
    if (rule.condition) resolve_condition(doc, f.acls, "redirect", *rule.condition, rule.line, diagnostics);
  }
  resolve_actions(doc, f.acls, f.http_request, "http_request", diagnostics);
  resolve_actions(doc, f.acls, f.http_response, "http_response", diagnostics);
  for (auto& rule : f.tcp_request) {
    if (rule.condition) resolve_condition(doc, f.acls, "tcp_request", *rule.condition, rule.line, diagnostics);
  }
}

// Everything a [frontend], [backend] or [listen] section can hold.
struct ProxySection {
  ProxySettings settings;
  std::vector<Bind> binds;
  std::string backend;
  std::vector<Server> servers;
  std::vector<http::UseBackendRule> use_backends;
  std::vector<http::RedirectRule> redirects;
  std::vector<AclDefinition> acls;
  std::vector<http::HttpAction> http_request;
  std::vector<http::HttpAction> http_response;
  std::vector<tcp::TcpRule> tcp_request;
  std::vector<CaptureHeader> capture_request_headers;
  std::vector<CaptureHeader> capture_response_headers;
};

// A parser of a rule value with the configuration's map and pattern files.
template <class Fn>
auto with_library(Fn parse, sample::Library& lib) {
  return [parse, &lib](std::string_view value) { return parse(value, &lib); };
}

cfg::KeyTable<ProxySection> section_keys(const cfg::KeyTable<ProxySettings>& proxy, bool frontend, bool backend,
                                         sample::Library& lib) {
  auto keys = cfg::nested(proxy, &ProxySection::settings);
  if (frontend) {
    keys.push_back(cfg::list("bind", &ProxySection::binds, parse_bind));
    keys.push_back(cfg::field("backend", &ProxySection::backend, cfg::parse_word));
    keys.push_back(cfg::list("use_backend", &ProxySection::use_backends, with_library(parse_use_backend, lib)));
    keys.push_back(cfg::list("redirect", &ProxySection::redirects, with_library(parse_redirect, lib)));
    keys.push_back(cfg::list("tcp_request", &ProxySection::tcp_request, with_library(parse_tcp_request, lib)));
    keys.push_back(cfg::list("capture_request_header", &ProxySection::capture_request_headers, parse_capture_header));
    keys.push_back(cfg::list("capture_response_header", &ProxySection::capture_response_headers, parse_capture_header));
  }
  if (backend) keys.push_back(cfg::list("server", &ProxySection::servers, parse_server));
  keys.push_back(cfg::list("acl", &ProxySection::acls, with_library(parse_acl, lib)));
  keys.push_back(cfg::list("http_request", &ProxySection::http_request, with_library(parse_http_request, lib)));
  keys.push_back(cfg::list("http_response", &ProxySection::http_response, with_library(parse_http_response, lib)));
  return keys;
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

void validate(const cfg::IniDocument& doc, ProxyConfig& config, cfg::Diagnostics& diagnostics) {
  if (config.stats) validate_stats(doc, config, diagnostics);
  std::set<std::string> backend_names;
  for (const auto& b : config.backends) backend_names.insert(b.name);
  for (const auto& f : config.frontends) {
    if (f.binds.empty()) diagnostics.error(doc.at(f.line), fmt::format("frontend '{}' has no 'bind'", f.name));
    if (f.backend.empty()) {
      diagnostics.error(doc.at(f.line), fmt::format("frontend '{}' has no 'backend'", f.name));
    } else if (!backend_names.contains(f.backend)) {
      std::vector<std::string_view> names(backend_names.begin(), backend_names.end());
      const auto guess = common::text::closest_match(f.backend, names);
      diagnostics.error(
          doc.at(f.line),
          guess ? fmt::format("frontend '{}' uses unknown backend '{}' (did you mean '{}'?)", f.name, f.backend, *guess)
                : fmt::format("frontend '{}' uses unknown backend '{}'", f.name, f.backend));
    }
    if (auto format = log::LogFormat::compile(f.settings.log_format); !format) {
      diagnostics.error(doc.at(f.line), fmt::format("frontend '{}': log_format: {}", f.name, format.error().message));
    }
  }
  std::map<common::net::Endpoint, std::string> bound;
  for (const auto& f : config.frontends) {
    for (const auto& b : f.binds) {
      const auto [it, fresh] = bound.emplace(b.address, f.name);
      if (!fresh) {
        diagnostics.error(doc.at(b.line), fmt::format("address {} is already bound by frontend '{}'",
                                                      b.address.to_string(), it->second));
      }
    }
  }
  for (const auto& b : config.backends) {
    std::set<std::string> names;
    for (const auto& s : b.servers) {
      if (!names.insert(s.name).second) {
        diagnostics.error(doc.at(s.line), fmt::format("server '{}' defined twice in backend '{}'", s.name, b.name));
      }
      if (s.address.port == 0) diagnostics.error(doc.at(s.line), fmt::format("server '{}' needs a port", s.name));
    }
    if (b.settings.rise == 0 || b.settings.fall == 0) {
      diagnostics.error(doc.at(b.line), fmt::format("backend '{}': rise and fall must be at least 1", b.name));
    }
  }
}

}  // namespace

const Backend* ProxyConfig::find_backend(std::string_view name) const {
  for (const auto& b : backends) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

Result<Bind> parse_bind(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.empty()) return fail("expected ADDRESS:PORT [accept_proxy] [ssl crt=PATH[,PATH] [alpn=LIST]]");
  Bind bind;
  auto address = cfg::parse_endpoint(words[0]);
  if (!address) return tl::unexpected(address.error());
  bind.address = *address;
  bool ssl = false;
  BindTls tls;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (words[i] == "accept_proxy") {
      bind.accept_proxy = true;
    } else if (words[i] == "ssl") {
      ssl = true;
    } else {
      auto updated = parse_bind_tls_option(std::move(tls), words[i]);
      if (!updated) return tl::unexpected(updated.error());
      tls = std::move(*updated);
    }
  }
  const bool tls_options = !tls.crt.empty() || !tls.alpn.empty();
  if (!ssl && tls_options) return fail("crt= and alpn= need ssl");
  if (!ssl) return bind;
  if (tls.crt.empty()) return fail("ssl needs crt=PATH");
  if (tls.alpn.empty()) tls.alpn = {"http/1.1"};
  bind.tls = std::move(tls);
  return bind;
}

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

Result<Server> parse_server(std::string_view value) {
  const auto words = common::text::split_words(value);
  if (words.size() < 2) {
    return fail(
        "expected NAME ADDRESS:PORT [weight=N] [maxconn=N] [backup] [send_proxy=v1|v2] [cookie=VALUE] "
        "[ssl [verify=none|required] [ca_file=PATH] [sni=HOST] [alpn=LIST]]");
  }
  Server server;
  server.name = std::string(words[0]);
  auto address = cfg::parse_endpoint(words[1]);
  if (!address) return tl::unexpected(address.error());
  server.address = *address;
  bool ssl = false;
  bool tls_options = false;
  bool verify_given = false;
  ServerTls tls;
  for (std::size_t i = 2; i < words.size(); ++i) {
    const auto word = words[i];
    const auto eq = word.find('=');
    const auto option = word.substr(0, eq);
    const auto arg = eq == std::string_view::npos ? std::string_view{} : word.substr(eq + 1);
    if (option == "weight" && eq != std::string_view::npos) {
      auto w = cfg::parse_uint(arg, 0, 256);
      if (!w) return fail("server option weight: expected 0 to 256");
      server.weight = static_cast<std::uint32_t>(*w);
    } else if (option == "maxconn" && eq != std::string_view::npos) {
      auto m = cfg::parse_uint(arg, 0, 10'000'000);
      if (!m) return fail("server option maxconn: expected 0 to 10000000");
      server.maxconn = static_cast<std::uint32_t>(*m);
    } else if (word == "backup") {
      server.backup = true;
    } else if (word == "no_check") {
      server.checked = false;
    } else if (word == "disabled") {
      server.disabled = true;
    } else if (option == "send_proxy" && (arg == "v1" || arg == "v2")) {
      server.send_proxy = arg == "v1" ? ProxyProtocol::V1 : ProxyProtocol::V2;
    } else if (option == "cookie" && !arg.empty()) {
      server.cookie = std::string(arg);
    } else if (word == "ssl") {
      ssl = true;
    } else if (option == "verify" || option == "ca_file" || option == "sni" || option == "alpn") {
      auto updated = parse_server_tls_option(std::move(tls), word);
      if (!updated) return tl::unexpected(updated.error());
      tls = std::move(*updated);
      tls_options = true;
      verify_given = verify_given || option == "verify";
    } else {
      return fail(
          "unknown server option '{}' (expected weight=N, maxconn=N, backup, no_check, disabled, "
          "send_proxy=v1|v2, cookie=VALUE, ssl, verify=, ca_file=, sni=, alpn=)",
          word);
    }
  }
  if (tls_options && !ssl) return fail("verify=, ca_file=, sni= and alpn= need ssl");
  if (ssl) {
    if (!verify_given) tls.verify = !tls.ca_file.empty();
    server.tls = std::move(tls);
  }
  return server;
}

ProxyConfig load_proxy_config(const cfg::IniDocument& doc, cfg::Diagnostics& diagnostics) {
  static constexpr cfg::SectionRule kRules[] = {
      {"global", false, true}, {"defaults", false, true}, {"frontend", true, false}, {"backend", true, false},
      {"listen", true, false}, {"stats", false, true},    {"userlist", true, false},
  };
  ProxyConfig config;
  config.source = doc.file;
  const auto sections = cfg::check_sections(doc, kRules, diagnostics);
  const auto proxy = proxy_keys();
  const auto globals = global_keys();

  cfg::apply_defaults(globals, config.global);
  cfg::apply_defaults(proxy, config.defaults);
  for (const auto* s : sections) {
    if (s->kind == "global") cfg::load_section(doc, *s, globals, config.global, diagnostics);
    if (s->kind == "defaults") cfg::load_section(doc, *s, proxy, config.defaults, diagnostics);
    if (s->kind == "userlist") load_userlist(doc, *s, *config.library, diagnostics);
    if (s->kind == "stats") {
      Stats stats;
      stats.line = s->line;
      cfg::load_section(doc, *s, stats_keys(), stats, diagnostics);
      config.stats = std::move(stats);
    }
  }

  finish_log_targets(config.global);

  // Sections inherit [defaults]: seed from it, apply no table defaults.
  const cfg::LoadOptions inherit{false};
  for (const auto* s : sections) {
    const bool is_frontend = s->kind == "frontend" || s->kind == "listen";
    const bool is_backend = s->kind == "backend" || s->kind == "listen";
    if (!is_frontend && !is_backend) continue;
    ProxySection section{config.defaults, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
    const auto seen = cfg::load_section(doc, *s, section_keys(proxy, is_frontend, is_backend, *config.library), section,
                                        diagnostics, inherit);
    check_layer7_keys(doc, *s, seen, section.settings, is_backend, diagnostics);
    if (is_frontend) {
      if (s->kind == "listen" && section.backend.empty()) section.backend = s->name;
      for (auto& b : section.binds) {
        if (!b.tls) continue;
        b.tls->min_version = section.settings.ssl_min_version;
        b.tls->ciphers = section.settings.ssl_ciphers;
        b.tls->ciphersuites = section.settings.ssl_ciphersuites;
      }
      config.frontends.push_back({s->name,
                                  section.settings,
                                  std::move(section.binds),
                                  section.backend,
                                  std::move(section.use_backends),
                                  std::move(section.redirects),
                                  {},
                                  std::move(section.http_request),
                                  std::move(section.http_response),
                                  std::move(section.tcp_request),
                                  std::move(section.capture_request_headers),
                                  std::move(section.capture_response_headers),
                                  s->line});
      auto& f = config.frontends.back();
      f.acls = build_acls(section.acls);
      resolve_conditions(doc, f, diagnostics);
      // HTTP frontends log HAProxy's httplog unless a format is chosen (the
      // key's default, tcplog, is the TCP one).
      auto& settings = config.frontends.back().settings;
      if (settings.mode == Mode::Http && settings.log_format == "tcplog") settings.log_format = "httplog";
      const auto& fe = config.frontends.back();
      const bool captures = !fe.capture_request_headers.empty() || !fe.capture_response_headers.empty();
      if (settings.log_format == "httplog" && captures) {
        settings.log_format =
            log::httplog_with_captures(!fe.capture_request_headers.empty(), !fe.capture_response_headers.empty());
      }
    }
    if (is_backend) {
      config.backends.push_back({s->name, section.settings, std::move(section.servers), build_acls(section.acls),
                                 std::move(section.http_request), std::move(section.http_response), s->line});
      auto& b = config.backends.back();
      resolve_actions(doc, b.acls, b.http_request, "http_request", diagnostics);
      resolve_actions(doc, b.acls, b.http_response, "http_response", diagnostics);
    }
  }
  validate(doc, config, diagnostics);
  validate_http(doc, config, diagnostics);
  return config;
}

}  // namespace proxyd::config
