#include "proxyd/core/config/proxy_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/core/config/config_table.h"
#include "common/core/text.h"
#include "proxyd/core/config/global_config.h"
#include "proxyd/core/config/http_config.h"
#include "proxyd/core/health/check_presets.h"
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
  } else if (words.size() == 1 && words[0] == "tcp-check") {
    s.check = CheckKind::TcpCheck;  // the steps are the tcp_check lines
  } else if (auto preset = health::preset_tcp_check(v); !preset) {
    return tl::unexpected(preset.error());
  } else if (*preset) {
    s.check = CheckKind::TcpCheck;
    s.tcp_checks = std::move(**preset);
  } else {
    return fail(
        "expected none, tcp, http [METHOD PATH [HTTP/1.1 Host=NAME]], tcp-check, redis-check, smtpchk, "
        "pgsql-check user NAME, mysql-check [user NAME [post-41|pre-41]], ldap-check or ssl-hello-chk");
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

// Keep-alive tunables: a probe count 1..255, times in whole seconds (the
// kernel's unit) from 1 s to 32767 s.
Status set_count(std::optional<std::uint32_t>& out, std::string_view v) {
  auto n = cfg::parse_uint(v, 1, 255);
  if (!n) return fail("expected a probe count from 1 to 255");
  out = static_cast<std::uint32_t>(*n);
  return {};
}

Status set_seconds(std::optional<Duration>& out, std::string_view v) {
  auto d = cfg::parse_duration(v);
  if (!d || d->count() < 1000 || d->count() > 32'767'000 || d->count() % 1000 != 0) {
    return fail("expected whole seconds from 1s to 32767s (the kernel counts keep-alive times in seconds)");
  }
  out = *d;
  return {};
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
      cfg::field("timeout_queue", &S::timeout_queue, cfg::optional_of(cfg::parse_duration)),
      cfg::field("timeout_tarpit", &S::timeout_tarpit, cfg::optional_of(cfg::parse_duration)),
      cfg::field("timeout_client_fin", &S::timeout_client_fin, cfg::optional_of(cfg::parse_duration)),
      cfg::field("timeout_server_fin", &S::timeout_server_fin, cfg::optional_of(cfg::parse_duration)),
      cfg::field("tcp_request_inspect_delay", &S::tcp_request_inspect_delay, cfg::parse_duration, "0"),
      cfg::field("retries", &S::retries, cfg::uint_in<std::uint32_t>(0, 100), "3"),
      cfg::field("redispatch", &S::redispatch, cfg::parse_bool, "true"),
      cfg::field("abortonclose", &S::abortonclose, cfg::parse_bool, "false"),
      cfg::field("log_format", &S::log_format, cfg::parse_text, "tcplog"),
      cfg::field("dontlognull", &S::dontlognull, cfg::parse_bool, "true"),
      cfg::field("dontlog_normal", &S::dontlog_normal, cfg::parse_bool, "false"),
      cfg::field("log_separate_errors", &S::log_separate_errors, cfg::parse_bool, "false"),
      cfg::field("maxconn", &S::maxconn, cfg::uint_in<std::uint32_t>(0, 10'000'000), "0"),
      cfg::custom<S>("balance", apply_balance, "roundrobin"),
      cfg::field("hash_type", &S::hash_type, choice(kHashTypes), "map-based"),
      cfg::custom<S>("check", apply_check, "none"),
      cfg::list("tcp_check", &S::tcp_checks, health::parse_tcp_check_step),
      cfg::custom<S>("default_server",
                     [](S& s, std::string_view v) -> Status {
                       if (auto ok = check_server_options(v); !ok) return ok;
                       s.default_server = std::string(common::text::trim(v));
                       return {};
                     }),
      cfg::field("check_interval", &S::check_interval, cfg::parse_duration, "2s"),
      cfg::field("check_timeout", &S::check_timeout, cfg::optional_of(cfg::parse_duration)),
      cfg::field("timeout_check", &S::check_timeout, cfg::optional_of(cfg::parse_duration)),
      cfg::custom<S>("tcpka",
                     [](S& s, std::string_view v) -> Status {
                       auto on = cfg::parse_bool(v);
                       if (!on) return tl::unexpected(on.error());
                       s.client_tcp_keepalive = s.server_tcp_keepalive = *on;
                       return {};
                     }),
      cfg::field("clitcpka", &S::client_tcp_keepalive, cfg::parse_bool),
      cfg::field("srvtcpka", &S::server_tcp_keepalive, cfg::parse_bool),
      cfg::custom<S>("clitcpka_cnt", [](S& s, std::string_view v) { return set_count(s.client_tcpka.count, v); }),
      cfg::custom<S>("clitcpka_idle", [](S& s, std::string_view v) { return set_seconds(s.client_tcpka.idle, v); }),
      cfg::custom<S>("clitcpka_intvl",
                     [](S& s, std::string_view v) { return set_seconds(s.client_tcpka.interval, v); }),
      cfg::custom<S>("srvtcpka_cnt", [](S& s, std::string_view v) { return set_count(s.server_tcpka.count, v); }),
      cfg::custom<S>("srvtcpka_idle", [](S& s, std::string_view v) { return set_seconds(s.server_tcpka.idle, v); }),
      cfg::custom<S>("srvtcpka_intvl",
                     [](S& s, std::string_view v) { return set_seconds(s.server_tcpka.interval, v); }),
      cfg::field("rise", &S::rise, cfg::uint_in<std::uint32_t>(1, 1000), "2"),
      cfg::field("fall", &S::fall, cfg::uint_in<std::uint32_t>(1, 1000), "3"),
      cfg::field("check_expect", &S::check_expect, parse_check_expect, "status 200-399"),
      cfg::field("http_server_close", &S::http_server_close, cfg::parse_bool, "false"),
      cfg::field("http_close", &S::http_close, cfg::parse_bool, "false"),
      cfg::field("forwardfor", &S::forwardfor, cfg::parse_bool, "false"),
      cfg::field("forwardfor_except", &S::forwardfor_except, optional_cidr()),
      cfg::field("forwardfor_if_none", &S::forwardfor_if_none, cfg::parse_bool, "false"),
      header_rule_key("http_request_add_header", &S::request_header_rules, http::HeaderRule::Action::Add),
      header_rule_key("http_request_set_header", &S::request_header_rules, http::HeaderRule::Action::Set),
      header_rule_key("http_request_del_header", &S::request_header_rules, http::HeaderRule::Action::Del),
      header_rule_key("http_response_add_header", &S::response_header_rules, http::HeaderRule::Action::Add),
      header_rule_key("http_response_set_header", &S::response_header_rules, http::HeaderRule::Action::Set),
      header_rule_key("http_response_del_header", &S::response_header_rules, http::HeaderRule::Action::Del),
      cfg::field("cookie", &S::cookie, optional_cookie()),
      cfg::field("dynamic_cookie_key", &S::dynamic_cookie_key, cfg::parse_text),
      errorfile_key(),
      cfg::field("timeout_http_request", &S::timeout_http_request, cfg::parse_duration, "10s"),
      cfg::field("timeout_http_keep_alive", &S::timeout_http_keep_alive, cfg::optional_of(cfg::parse_duration)),
      cfg::field("timeout_tunnel", &S::timeout_tunnel, cfg::optional_of(cfg::parse_duration)),
      cfg::field("max_header_size", &S::max_header_size, parse_header_size, "16k"),
      cfg::field("max_headers", &S::max_headers, cfg::uint_in<std::uint32_t>(1, 1000), "100"),
      cfg::field("ssl_min_version", &S::ssl_min_version, choice(kTlsVersions), "TLSv1.2"),
      cfg::field("ssl_ciphers", &S::ssl_ciphers, cfg::parse_word),
      cfg::field("ssl_ciphersuites", &S::ssl_ciphersuites, cfg::parse_word),
  };
}

// A section's own tcp_check lines replace those of [defaults] (HAProxy's
// rule); tcp-check needs steps, and only the first may connect.
void check_tcp_check_lines(const cfg::IniDocument& doc, const cfg::IniSection& s, const cfg::KeysSeen& seen,
                           const ProxySettings& defaults, ProxySettings& settings, cfg::Diagnostics& diagnostics) {
  auto& steps = settings.tcp_checks;
  const auto& inherited = defaults.tcp_checks;
  const bool starts_inherited = !inherited.empty() && steps.size() > inherited.size() &&
                                std::equal(inherited.begin(), inherited.end(), steps.begin(),
                                           [](const auto& a, const auto& b) { return a.line == b.line; });
  if (seen.contains("tcp_check") && starts_inherited) {
    steps.erase(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(inherited.size()));
  }
  if (settings.check != CheckKind::TcpCheck) return;
  if (steps.empty()) {
    diagnostics.error(doc.at(s.line), fmt::format("{}: check = tcp-check needs tcp_check = … lines", s.title()));
  }
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
  std::vector<DeclaredCapture> declared_captures;
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
    keys.push_back({"bind",
                    {},
                    [](ProxySection& section, std::string_view value, int line) -> Status {
                      auto binds = parse_binds(value);
                      if (!binds) return tl::unexpected(binds.error());
                      for (auto& b : *binds) {
                        b.line = line;
                        section.binds.push_back(std::move(b));
                      }
                      return {};
                    },
                    true});
    keys.push_back(cfg::field("backend", &ProxySection::backend, cfg::parse_word));
    keys.push_back(cfg::list("use_backend", &ProxySection::use_backends, with_library(parse_use_backend, lib)));
    keys.push_back(cfg::list("redirect", &ProxySection::redirects, with_library(parse_redirect, lib)));
    keys.push_back(cfg::list("tcp_request", &ProxySection::tcp_request, with_library(parse_tcp_request, lib)));
    keys.push_back(cfg::list("capture_request_header", &ProxySection::capture_request_headers, parse_capture_header));
    keys.push_back(cfg::list("capture_response_header", &ProxySection::capture_response_headers, parse_capture_header));
    keys.push_back(cfg::list("declare_capture", &ProxySection::declared_captures, parse_declare_capture));
  }
  if (backend) {
    // Each server line starts from the section's default_server options
    // (given before it, in the section or in [defaults]).
    keys.push_back({"server",
                    {},
                    [](ProxySection& section, std::string_view value, int line) -> Status {
                      auto server = parse_server(value, section.settings.default_server);
                      if (!server) return tl::unexpected(server.error());
                      server->line = line;
                      section.servers.push_back(std::move(*server));
                      return {};
                    },
                    true});
    keys.push_back({"server_template",
                    {},
                    [](ProxySection& section, std::string_view value, int line) -> Status {
                      auto servers = parse_server_template(value, section.settings.default_server);
                      if (!servers) return tl::unexpected(servers.error());
                      for (auto& s : *servers) {
                        s.line = line;
                        section.servers.push_back(std::move(s));
                      }
                      return {};
                    },
                    true});
  }
  keys.push_back(cfg::list("acl", &ProxySection::acls, with_library(parse_acl, lib)));
  keys.push_back(cfg::list("http_request", &ProxySection::http_request, with_library(parse_http_request, lib)));
  keys.push_back(cfg::list("http_response", &ProxySection::http_response, with_library(parse_http_response, lib)));
  return keys;
}

void validate(const cfg::IniDocument& doc, ProxyConfig& config, cfg::Diagnostics& diagnostics) {
  if (config.stats) validate_stats(doc, config, diagnostics);
  std::set<std::string> backend_names;
  for (const auto& b : config.backends) backend_names.insert(b.name);
  for (const auto& f : config.frontends) {
    if (f.binds.empty()) diagnostics.error(doc.at(f.line), fmt::format("frontend '{}' has no 'bind'", f.name));
    // Without a default backend, what no rule routes or answers gets 503
    // (HAProxy's behaviour); a frontend with neither is a mistake.
    const bool routes = !f.use_backends.empty() || !f.redirects.empty() || !f.http_request.empty();
    if (f.backend.empty()) {
      if (!routes) {
        diagnostics.error(doc.at(f.line), fmt::format("frontend '{}' has no 'backend' (nor a use_backend, redirect "
                                                      "or http_request rule that routes or answers)",
                                                      f.name));
      }
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
    validate_servers(doc, b, diagnostics);
    if (b.settings.rise == 0 || b.settings.fall == 0) {
      diagnostics.error(doc.at(b.line), fmt::format("backend '{}': rise and fall must be at least 1", b.name));
    }
  }
}

}  // namespace

const Resolvers* ProxyConfig::find_resolvers(std::string_view name) const {
  for (const auto& r : resolvers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

const Backend* ProxyConfig::find_backend(std::string_view name) const {
  for (const auto& b : backends) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

common::config::Location ProxyConfig::where(int line) const {
  return cfg::IniDocument{source, {}, spans}.at(line);
}

std::string ProxyConfig::position(int line) const {
  const auto at = where(line);
  return fmt::format("{}:{}", at.file, at.line);
}

ProxyConfig load_proxy_config(const cfg::IniDocument& doc, cfg::Diagnostics& diagnostics) {
  static constexpr cfg::SectionRule kRules[] = {
      {"global", false, true}, {"defaults", false, true}, {"frontend", true, false}, {"backend", true, false},
      {"listen", true, false}, {"stats", false, true},    {"userlist", true, false}, {"resolvers", true, false},
  };
  ProxyConfig config;
  config.source = doc.file;
  config.spans = doc.spans;
  const auto sections = cfg::check_sections(doc, kRules, diagnostics);
  auto proxy = proxy_keys();
  for (auto& key : proxy_stats_keys()) proxy.push_back(std::move(key));
  const auto globals = global_keys();

  cfg::apply_defaults(globals, config.global);
  cfg::apply_defaults(proxy, config.defaults);
  for (const auto* s : sections) {
    if (s->kind == "global") cfg::load_section(doc, *s, globals, config.global, diagnostics);
    if (s->kind == "defaults") cfg::load_section(doc, *s, proxy, config.defaults, diagnostics);
    if (s->kind == "userlist") load_userlist(doc, *s, *config.library, diagnostics);
    if (s->kind == "resolvers") load_resolvers(doc, *s, config, diagnostics);
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
    ProxySection section{config.defaults, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
    const auto seen = cfg::load_section(doc, *s, section_keys(proxy, is_frontend, is_backend, *config.library), section,
                                        diagnostics, inherit);
    check_layer7_keys(doc, *s, seen, section.settings, is_backend, diagnostics);
    check_tcp_check_lines(doc, *s, seen, config.defaults, section.settings, diagnostics);
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
      number_captures(doc, f, section.declared_captures, diagnostics);
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
      check_backend_captures(doc, b, diagnostics);
    }
  }
  validate(doc, config, diagnostics);
  validate_http(doc, config, diagnostics);
  validate_server_names(doc, config, diagnostics);
  return config;
}

}  // namespace proxyd::config
