// Mode and cross-section checks of the layer-7 and TLS configuration (see
// http_config.h). Warnings for keys that are harmless but ignored, errors for
// combinations that cannot work.
#include <fmt/format.h>

#include <array>
#include <set>

#include "common/core/text.h"
#include "proxyd/core/config/http_config.h"

namespace proxyd::config {
namespace cfg = common::config;

namespace {

// Keys only the HTTP path reads; set in a mode tcp section they are ignored.
constexpr std::array<std::string_view, 23> kLayer7Keys{"stats_enable",
                                                       "stats_uri",
                                                       "http_server_close",
                                                       "http_close",
                                                       "forwardfor",
                                                       "forwardfor_except",
                                                       "forwardfor_if_none",
                                                       "http_request_add_header",
                                                       "http_request_set_header",
                                                       "http_request_del_header",
                                                       "http_response_add_header",
                                                       "http_response_set_header",
                                                       "http_response_del_header",
                                                       "errorfile",
                                                       "timeout_http_request",
                                                       "timeout_http_keep_alive",
                                                       "max_header_size",
                                                       "max_headers",
                                                       "ssl_min_version",
                                                       "ssl_ciphers",
                                                       "ssl_ciphersuites",
                                                       "http_request",
                                                       "http_response"};

// The line of <key>'s last occurrence in <section>, or the section's line
// when the value was inherited from [defaults].
int line_of(const cfg::IniSection& section, std::string_view key) {
  int line = section.line;
  for (const auto& e : section.entries) {
    if (e.key == key) line = e.line;
  }
  return line;
}

std::string_view mode_name(Mode mode) {
  return mode == Mode::Http ? "http" : "tcp";
}

void need_http(const cfg::IniDocument& doc, const cfg::IniSection& section, const cfg::KeysSeen& seen,
               std::string_view key, std::string_view what, cfg::Diagnostics& diagnostics) {
  const bool own = seen.contains(key);
  diagnostics.error(doc.at(line_of(section, key)), fmt::format("{}: {} needs mode http{}", section.title(), what,
                                                               own ? "" : " (inherited from [defaults])"));
}

std::string unknown_backend(std::string_view frontend, std::string_view backend, const ProxyConfig& config) {
  std::vector<std::string_view> names;
  for (const auto& b : config.backends) names.push_back(b.name);
  const auto guess = common::text::closest_match(backend, names);
  return guess ? fmt::format("frontend '{}': use_backend names unknown backend '{}' (did you mean '{}'?)", frontend,
                             backend, *guess)
               : fmt::format("frontend '{}': use_backend names unknown backend '{}'", frontend, backend);
}

void check_mode_match(const cfg::IniDocument& doc, const Frontend& f, const Backend& b, int line,
                      cfg::Diagnostics& diagnostics) {
  if (f.settings.mode == b.settings.mode) return;
  diagnostics.error(doc.at(line), fmt::format("frontend '{}' (mode {}) uses backend '{}' (mode {}): modes must match",
                                              f.name, mode_name(f.settings.mode), b.name, mode_name(b.settings.mode)));
}

void validate_frontend(const cfg::IniDocument& doc, const ProxyConfig& config, const Frontend& f,
                       cfg::Diagnostics& diagnostics) {
  const bool http = f.settings.mode == Mode::Http;
  if (const auto* b = config.find_backend(f.backend)) check_mode_match(doc, f, *b, f.line, diagnostics);
  for (const auto& rule : f.use_backends) {
    if (rule.dynamic) {
      // Computed per request; a name that matches no backend means the default one.
    } else if (const auto* b = config.find_backend(rule.backend)) {
      check_mode_match(doc, f, *b, rule.line, diagnostics);
    } else {
      diagnostics.error(doc.at(rule.line), unknown_backend(f.name, rule.backend, config));
    }
    if (!http && rule.condition && sample::needs_http(*rule.condition)) {
      diagnostics.error(doc.at(rule.line),
                        fmt::format("frontend '{}': this use_backend condition reads the HTTP request, which needs "
                                    "mode http (in mode tcp: src, dst, dst_port, sni, ...)",
                                    f.name));
    }
  }
  for (const auto& rule : f.tcp_request) {
    if (http && rule.action == tcp::TcpRule::Action::ExpectProxy) {
      diagnostics.error(doc.at(rule.line),
                        fmt::format("frontend '{}': tcp_request expect-proxy needs mode tcp", f.name));
    }
  }
  if (!http) {
    for (const auto& r : f.redirects) {
      diagnostics.error(doc.at(r.line), fmt::format("frontend '{}': redirect needs mode http", f.name));
    }
    for (const auto& b : f.binds) {
      if (!b.tls) continue;
      diagnostics.error(doc.at(b.line), fmt::format("frontend '{}': ssl termination needs mode http; for passthrough "
                                                    "use use_backend ... if sni",
                                                    f.name));
    }
  }
}

}  // namespace

void check_layer7_keys(const cfg::IniDocument& doc, const cfg::IniSection& section, const cfg::KeysSeen& seen,
                       const ProxySettings& settings, bool is_backend, cfg::Diagnostics& diagnostics) {
  if (settings.mode == Mode::Http) return;
  for (const auto key : kLayer7Keys) {
    if (!seen.contains(key)) continue;
    diagnostics.warning(doc.at(line_of(section, key)),
                        fmt::format("{}: '{}' has no effect in mode tcp", section.title(), key));
  }
  if (seen.contains("timeout_tunnel") && !is_backend) {
    diagnostics.warning(
        doc.at(line_of(section, "timeout_tunnel")),
        fmt::format("{}: 'timeout_tunnel' is the backend's (a frontend's has no effect)", section.title()));
  }
  if (!is_backend) return;
  if (settings.balance == Balance::Uri || settings.balance == Balance::Header) {
    need_http(doc, section, seen, "balance", settings.balance == Balance::Uri ? "balance uri" : "balance hdr()",
              diagnostics);
  }
  if (settings.cookie) need_http(doc, section, seen, "cookie", "cookie", diagnostics);
  if (settings.cookie && settings.cookie->dynamic && settings.dynamic_cookie_key.empty()) {
    diagnostics.warning(doc.at(line_of(section, "cookie")),
                        fmt::format("{}: cookie … dynamic without dynamic_cookie_key: servers without cookie= get "
                                    "none (as HAProxy)",
                                    section.title()));
  }
}

void validate_http(const cfg::IniDocument& doc, const ProxyConfig& config, cfg::Diagnostics& diagnostics) {
  for (const auto& f : config.frontends) validate_frontend(doc, config, f, diagnostics);
  for (const auto& b : config.backends) {
    if (b.settings.cookie) continue;
    for (const auto& s : b.servers) {
      if (s.cookie.empty()) continue;
      diagnostics.warning(doc.at(s.line), fmt::format("backend '{}': server '{}' has cookie={} but the backend sets "
                                                      "no 'cookie': it is ignored",
                                                      b.name, s.name, s.cookie));
    }
  }
}

}  // namespace proxyd::config
