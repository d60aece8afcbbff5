// `server = NAME HOST:PORT [options]`: one word at a time, each option by a
// row of a table. HOST is an address or a name (resolved at start by
// init_addr, and again while running with resolvers=NAME).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <set>

#include "common/core/text.h"
#include "proxyd/core/config/http_config.h"

namespace proxyd::config {
namespace cfg = common::config;
using common::fail;
using common::Result;
using common::Status;

namespace {

constexpr auto kServerUsage =
    "expected NAME ADDRESS:PORT|HOSTNAME:PORT|unix@PATH [weight=N] [maxconn=N] [backup] [no_check] [disabled] "
    "[send_proxy=v1|v2] [cookie=VALUE] [resolvers=NAME] [init_addr=last,libc,none,IP] [resolve_prefer=ipv4|ipv6] "
    "[resolve_net=CIDR,...] [ssl [verify=none|required] [ca_file=PATH] [sni=HOST] [alpn=LIST]]";

// A DNS name: labels of letters, digits, '-' and '_' (service names),
// joined by dots, at most 253 bytes.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  for (const char c : host) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return host.find("..") == std::string_view::npos;
}

Status parse_target(Server& server, std::string_view word) {
  if (cfg::is_unix_address(word)) {
    auto address = cfg::parse_unix_address(word);
    if (!address) return tl::unexpected(address.error());
    server.address = *address;
    return {};
  }
  if (auto address = common::net::Endpoint::parse(word)) {
    server.address = *address;
    return {};
  }
  const auto colon = word.rfind(':');
  if (colon == std::string_view::npos && word.starts_with('_') && is_host_name(word)) {
    server.host = std::string(word);  // an SRV name (_service._proto.name): its records give the ports
    return {};
  }
  if (colon == std::string_view::npos || word.find(':') != colon) {
    // No port (HAProxy's rule: the port the client connected to).
    if (auto ip = common::net::IpAddress::parse(word)) {
      server.address = {*ip, 0};
      return {};
    }
    if (!is_host_name(word)) return fail("'{}': expected ADDRESS[:PORT] or HOSTNAME[:PORT]", word);
    server.host = std::string(word);
    return {};
  }
  const auto host = word.substr(0, colon);
  const auto port = cfg::parse_uint(word.substr(colon + 1), 1, 65535);
  if (!port) return fail("'{}': the port must be 1 to 65535", word);
  if (!is_host_name(host)) return fail("'{}': not an address, nor a host name", host);
  server.host = std::string(host);
  server.address.port = static_cast<std::uint16_t>(*port);
  return {};
}

Status parse_init_addr(Server& server, std::string_view list) {
  server.init_addr.clear();
  std::size_t at = 0;
  while (at <= list.size()) {
    const auto comma = std::min(list.find(',', at), list.size());
    const auto method = list.substr(at, comma - at);
    InitAddr m;
    if (method == "last") {
      m.kind = InitAddr::Kind::Last;
    } else if (method == "libc") {
      m.kind = InitAddr::Kind::Libc;
    } else if (method == "none") {
      m.kind = InitAddr::Kind::None;
    } else if (auto ip = common::net::IpAddress::parse(method)) {
      m = {InitAddr::Kind::Address, *ip};
    } else {
      return fail("init_addr: '{}' is not last, libc, none or an IP address", method);
    }
    server.init_addr.push_back(m);
    at = comma + 1;
  }
  return {};
}

Status parse_resolve_net(Server& server, std::string_view list) {
  std::size_t at = 0;
  while (at <= list.size()) {
    const auto comma = std::min(list.find(',', at), list.size());
    const auto cidr = common::net::Cidr::parse(list.substr(at, comma - at));
    if (!cidr) return fail("resolve_net: '{}' is not a network (10.0.0.0/8)", list.substr(at, comma - at));
    server.resolve.networks.push_back(*cidr);
    at = comma + 1;
  }
  return {};
}

Status parse_count(std::uint32_t& out, std::string_view option, std::string_view arg, std::uint64_t max) {
  auto n = cfg::parse_uint(arg, 0, max);
  if (!n) return fail("server option {}: expected 0 to {}", option, max);
  out = static_cast<std::uint32_t>(*n);
  return {};
}

template <class T>
Status parse_optional_duration(std::optional<T>& out, std::string_view option, std::string_view arg) {
  auto d = cfg::parse_duration(arg);
  if (!d) return fail("server option {}: {}", option, d.error().message);
  out = *d;
  return {};
}

Status parse_optional_count(std::optional<std::uint32_t>& out, std::string_view option, std::string_view arg) {
  auto n = cfg::parse_uint(arg, 1, 1000);
  if (!n) return fail("server option {}: expected 1 to 1000", option);
  out = static_cast<std::uint32_t>(*n);
  return {};
}

// The options taking a value (`option=value`), the TLS ones aside.
struct ValueOption {
  std::string_view name;
  std::function<Status(Server&, std::string_view)> apply;
};

// HAProxy's agent-port, agent-addr, agent-inter, agent-send.
const std::vector<ValueOption>& agent_options() {
  static const std::vector<ValueOption> kOptions{
      {"agent_port",
       [](Server& s, std::string_view v) -> Status {
         auto port = cfg::parse_uint(v, 1, 65535);
         if (!port) return fail("server option agent_port: expected 1 to 65535");
         s.agent_port = static_cast<std::uint16_t>(*port);
         return {};
       }},
      {"agent_addr",
       [](Server& s, std::string_view v) -> Status {
         auto ip = common::net::IpAddress::parse(v);
         if (!ip) return fail("server option agent_addr: expected an IP address");
         s.agent_addr = *ip;
         return {};
       }},
      {"agent_inter",
       [](Server& s, std::string_view v) { return parse_optional_duration(s.agent_inter, "agent_inter", v); }},
      {"agent_send",
       [](Server& s, std::string_view v) -> Status {
         auto text = health::unescape_check_text(v);  // the escapes of tcp_check = send
         if (!text) return fail("server option agent_send: {}", text.error().message);
         s.agent_send = std::move(*text);
         return {};
       }},
  };
  return kOptions;
}

// Health-check options (HAProxy's port, addr, inter ..., and our check_ spellings).
const std::vector<ValueOption>& check_options() {
  static const std::vector<ValueOption> kOptions{
      {"check_port",
       [](Server& s, std::string_view v) -> Status {
         auto port = cfg::parse_uint(v, 1, 65535);
         if (!port) return fail("server option check_port: expected 1 to 65535");
         s.check_port = static_cast<std::uint16_t>(*port);
         return {};
       }},
      {"check_addr",
       [](Server& s, std::string_view v) -> Status {
         auto ip = common::net::IpAddress::parse(v);
         if (!ip) return fail("server option check_addr: expected an IP address");
         s.check_addr = *ip;
         return {};
       }},
      // HAProxy's check-proto: the checks' protocol. HTTP/1.1 is what
      // proxyd's HTTP checks speak; h2 waits for HTTP/2 in proxyd.
      {"check_proto",
       [](Server&, std::string_view v) -> Status {
         if (v == "h1") return {};
         if (v == "h2") return fail("server option check_proto=h2: HTTP/2 checks are not supported yet (h1 is)");
         return fail("server option check_proto: expected h1");
       }},
      {"inter", [](Server& s, std::string_view v) { return parse_optional_duration(s.inter, "inter", v); }},
      {"check_interval", [](Server& s, std::string_view v) { return parse_optional_duration(s.inter, "inter", v); }},
      {"fastinter", [](Server& s, std::string_view v) { return parse_optional_duration(s.fastinter, "fastinter", v); }},
      {"check_fast_interval",
       [](Server& s, std::string_view v) { return parse_optional_duration(s.fastinter, "fastinter", v); }},
      {"downinter", [](Server& s, std::string_view v) { return parse_optional_duration(s.downinter, "downinter", v); }},
      {"check_down_interval",
       [](Server& s, std::string_view v) { return parse_optional_duration(s.downinter, "downinter", v); }},
      {"slowstart",
       [](Server& s, std::string_view v) -> Status {
         std::optional<Duration> d;
         if (auto ok = parse_optional_duration(d, "slowstart", v); !ok) return ok;
         s.slowstart = *d;
         return {};
       }},
      {"observe",
       [](Server& s, std::string_view v) -> Status {
         auto mode = health::parse_observe(v);
         if (!mode) return tl::unexpected(mode.error());
         s.observe = *mode;
         return {};
       }},
      {"error_limit", [](Server& s, std::string_view v) { return parse_count(s.error_limit, "error_limit", v, 1000); }},
      {"on_error",
       [](Server& s, std::string_view v) -> Status {
         auto action = health::parse_on_error(v);
         if (!action) return tl::unexpected(action.error());
         s.on_error = *action;
         return {};
       }},
      {"rise", [](Server& s, std::string_view v) { return parse_optional_count(s.rise, "rise", v); }},
      {"fall", [](Server& s, std::string_view v) { return parse_optional_count(s.fall, "fall", v); }},
      {"on_marked_down",
       [](Server& s, std::string_view v) -> Status {
         if (v != "shutdown_sessions") return fail("on_marked_down: expected shutdown_sessions");
         s.on_marked_down_shutdown = true;
         return {};
       }},
      {"on_marked_up",
       [](Server& s, std::string_view v) -> Status {
         if (v != "shutdown_backup_sessions") return fail("on_marked_up: expected shutdown_backup_sessions");
         s.on_marked_up_shutdown_backups = true;
         return {};
       }},
  };
  return kOptions;
}

const std::array<ValueOption, 8>& value_options() {
  static const std::array<ValueOption, 8> kOptions{{
      {"weight", [](Server& s, std::string_view v) { return parse_count(s.weight, "weight", v, 256); }},
      {"maxconn", [](Server& s, std::string_view v) { return parse_count(s.maxconn, "maxconn", v, 10'000'000); }},
      {"maxqueue", [](Server& s, std::string_view v) { return parse_count(s.maxqueue, "maxqueue", v, 10'000'000); }},
      {"cookie",
       [](Server& s, std::string_view v) -> Status {
         if (v.empty()) return fail("unknown server option 'cookie=' (a value is needed)");
         s.cookie = std::string(v);
         return {};
       }},
      {"resolvers",
       [](Server& s, std::string_view v) -> Status {
         if (v.empty()) return fail("resolvers=: expected the name of a [resolvers NAME] section");
         s.resolvers = std::string(v);
         return {};
       }},
      {"init_addr", parse_init_addr},
      {"resolve_prefer",
       [](Server& s, std::string_view v) -> Status {
         if (v != "ipv4" && v != "ipv6") return fail("resolve_prefer: expected ipv4 or ipv6");
         s.resolve.family = v == "ipv4" ? common::net::Family::V4 : common::net::Family::V6;
         return {};
       }},
      {"resolve_net", parse_resolve_net},
  }};
  return kOptions;
}

struct TlsWords {
  bool ssl = false;
  bool check_ssl = false;
  bool options = false;
  bool verify_given = false;
  std::string check_sni;
  ServerTls tls;
};

Status parse_option(Server& server, TlsWords& t, std::string_view word) {
  const auto eq = word.find('=');
  const auto option = word.substr(0, eq);
  const auto arg = eq == std::string_view::npos ? std::string_view{} : word.substr(eq + 1);
  if (eq != std::string_view::npos) {
    for (const auto& o : value_options()) {
      if (o.name == option) return o.apply(server, arg);
    }
    for (const auto& o : check_options()) {
      if (o.name == option) return o.apply(server, arg);
    }
    for (const auto& o : agent_options()) {
      if (o.name == option) return o.apply(server, arg);
    }
  }
  if (word == "backup") {
    server.backup = true;
  } else if (word == "agent_check") {
    server.agent_check = true;
  } else if (word == "no_check") {
    server.checked = false;
  } else if (word == "disabled") {
    server.disabled = true;
  } else if (option == "send_proxy" && (arg == "v1" || arg == "v2")) {
    server.send_proxy = arg == "v1" ? ProxyProtocol::V1 : ProxyProtocol::V2;
  } else if (word == "ssl") {
    t.ssl = true;
  } else if (word == "check_ssl") {
    t.check_ssl = true;
  } else if (option == "check_sni" && !arg.empty()) {
    t.check_sni = std::string(arg);
  } else if (option == "verify" || option == "ca_file" || option == "sni" || option == "alpn" || option == "ciphers" ||
             option == "ciphersuites") {
    auto updated = parse_server_tls_option(std::move(t.tls), word);
    if (!updated) return tl::unexpected(updated.error());
    t.tls = std::move(*updated);
    t.options = true;
    t.verify_given = t.verify_given || option == "verify";
  } else {
    return fail(
        "unknown server option '{}' (expected weight=N, maxconn=N, maxqueue=N, backup, no_check, disabled, "
        "send_proxy=v1|v2, "
        "cookie=VALUE, resolvers=NAME, init_addr=, resolve_prefer=, resolve_net=, check_port=, check_addr=, inter=, "
        "fastinter=, downinter=, slowstart=, observe=, error_limit=, on_error=, agent_check, agent_port=, agent_addr=, "
        "agent_inter=, agent_send=, rise=, fall=, on_marked_down=, "
        "on_marked_up=, check_ssl, check_sni=, ssl, "
        "verify=, "
        "ca_file=, sni=, alpn=, ciphers=, ciphersuites=)",
        word);
  }
  return {};
}

}  // namespace

Status check_server_options(std::string_view options) {
  Server server;
  TlsWords t;
  for (const auto word : common::text::split_words(options)) {
    if (auto ok = parse_option(server, t, word); !ok) return ok;
  }
  return {};
}

Result<Server> parse_server(std::string_view value, std::string_view defaults) {
  const auto words = common::text::split_words(value);
  if (words.size() < 2) return fail("{}", kServerUsage);
  Server server;
  server.name = std::string(words[0]);
  if (auto ok = parse_target(server, words[1]); !ok) return tl::unexpected(ok.error());
  TlsWords t;
  for (const auto word : common::text::split_words(defaults)) {
    if (auto ok = parse_option(server, t, word); !ok) return tl::unexpected(ok.error());
  }
  for (std::size_t i = 2; i < words.size(); ++i) {
    if (auto ok = parse_option(server, t, words[i]); !ok) return tl::unexpected(ok.error());
  }
  if (t.options && !t.ssl && !t.check_ssl) return fail("verify=, ca_file=, sni= and alpn= need ssl (or check_ssl)");
  if (!t.check_sni.empty() && !t.check_ssl) return fail("check_sni= needs check_ssl");
  if (!t.verify_given) t.tls.verify = !t.tls.ca_file.empty();
  if (t.check_ssl) {
    server.check_tls = t.tls;
    server.check_tls->alpn.clear();
    if (!t.check_sni.empty()) server.check_tls->sni = t.check_sni;
  }
  if (t.ssl) server.tls = std::move(t.tls);
  if (server.host.empty()) server.resolvers.clear();  // an address: nothing to resolve (HAProxy ignores it too)
  if (server.is_srv()) {
    if (server.resolvers.empty()) return fail("'{}' is an SRV name: it needs resolvers=NAME", server.host);
    // The system resolver cannot answer SRV: start without an address
    // (or the last one), as HAProxy's SRV servers do with init-addr none.
    std::erase_if(server.init_addr, [](const InitAddr& m) { return m.kind == InitAddr::Kind::Libc; });
    if (server.init_addr.empty())
      server.init_addr = {InitAddr{InitAddr::Kind::Last, {}}, InitAddr{InitAddr::Kind::None, {}}};
  }
  return server;
}

Result<std::vector<Server>> parse_server_template(std::string_view value, std::string_view defaults) {
  const auto words = common::text::split_words(value);
  constexpr auto kUsage = "expected PREFIX COUNT|FIRST-LAST HOSTNAME:PORT [options]";
  if (words.size() < 3) return fail("{}", kUsage);
  const auto range = words[1];
  const auto dash = range.find('-');
  std::uint64_t first = 1;
  if (dash != std::string_view::npos) {
    const auto parsed = cfg::parse_uint(range.substr(0, dash), 0, 1'000'000);
    first = parsed ? *parsed : 1'000'001;  // refused below
  }
  const auto last = cfg::parse_uint(dash == std::string_view::npos ? range : range.substr(dash + 1), 1, 1'000'000);
  if (!last || *last < first || *last - first >= kMaxTemplateSlots)
    return fail("'{}': expected a count or FIRST-LAST, at most {} servers", range, kMaxTemplateSlots);
  const auto rest = value.substr(value.find(words[2]));
  const bool init_given =
      rest.find("init_addr=") != std::string_view::npos || defaults.find("init_addr=") != std::string_view::npos;
  std::vector<Server> servers;
  for (auto n = first; n <= *last; ++n) {
    auto server = parse_server(fmt::format("{}{} {}", words[0], n, rest), defaults);
    if (!server) return tl::unexpected(server.error());
    if (server->host.empty()) return fail("server_template needs a host name, not an address");
    server->template_slot = true;
    if (!init_given) server->init_addr = {InitAddr{InitAddr::Kind::None, {}}};
    servers.push_back(std::move(*server));
  }
  return servers;
}

void validate_servers(const cfg::IniDocument& doc, const Backend& b, cfg::Diagnostics& diagnostics) {
  std::set<std::string> names;
  for (const auto& s : b.servers) {
    if (!names.insert(s.name).second) {
      diagnostics.error(doc.at(s.line), fmt::format("server '{}' defined twice in backend '{}'", s.name, b.name));
    }
    const bool checked = b.settings.check != CheckKind::None && s.checked;
    if (s.address.port == 0 && !s.is_srv() && !s.address.is_unix() && checked && !s.check_port) {
      diagnostics.error(doc.at(s.line), fmt::format("server '{}' has no port (it takes the port each client "
                                                    "connected to): its health checks need check_port=N",
                                                    s.name));
    }
    if (s.observe != health::ObserveMode::None && (b.settings.check == CheckKind::None || !s.checked)) {
      diagnostics.error(doc.at(s.line), fmt::format("server '{}': observe needs health checks (a 'check' in "
                                                    "backend '{}', and no no_check): they bring it back UP",
                                                    s.name, b.name));
    }
    const auto& steps = b.settings.tcp_checks;
    const bool tls_step = b.settings.check == CheckKind::TcpCheck &&
                          std::any_of(steps.begin(), steps.end(), [](const auto& step) { return step.ssl; });
    if (tls_step && s.checked && !s.check_tls && !s.tls) {
      diagnostics.error(doc.at(s.line), fmt::format("server '{}': tcp_check = connect ... ssl needs check_ssl (or "
                                                    "ssl) on the server: its TLS settings",
                                                    s.name));
    }
    const bool unix_check_port = s.check_port && !s.check_addr;
    if (s.address.is_unix() && (unix_check_port || (s.agent_check && !s.agent_addr))) {
      diagnostics.error(doc.at(s.line), fmt::format("server '{}': a unix@ server has no port: check_port needs "
                                                    "check_addr=IP, agent_check needs agent_addr=IP",
                                                    s.name));
    }
    if (s.agent_check && !s.agent_port) {
      diagnostics.error(doc.at(s.line), fmt::format("server '{}': agent_check needs agent_port=N", s.name));
    }
    if (s.observe == health::ObserveMode::Layer7 && b.settings.mode != Mode::Http) {
      diagnostics.error(doc.at(s.line),
                        fmt::format("server '{}': observe=layer7 needs mode http (use layer4)", s.name));
    }
  }
}

}  // namespace proxyd::config
