// Parsers shared by proxy_config.cpp and http_config.cpp that are not part of
// the configuration's public API: a rule condition and the TLS options of
// `bind` and `server`, one word at a time.
#pragma once

#include <span>
#include <string_view>

#include "common/core/config/config_table.h"
#include "common/core/result.h"
#include "proxyd/core/config/proxy_config.h"

namespace proxyd::config {

// HAProxy's `if|unless ...` condition (proxyd/core/sample/acl.h), or
// proxyd's first syntax (`if host NAME`, `path_beg PATH`, `path PATH`,
// `hdr NAME [VALUE]`, `sni NAME`), as an anonymous ACL. ACL names stay
// unresolved until the section is loaded (resolve_conditions).
common::Result<sample::Condition> parse_condition(std::string_view value, sample::Library* lib = nullptr);
common::Result<sample::Condition> parse_condition(std::span<const sample::Word> words, std::string_view text,
                                                  sample::Library* lib = nullptr);

// One `crt=...` or `alpn=...` word of a bind line, applied to <tls>.
common::Result<BindTls> parse_bind_tls_option(BindTls tls, std::string_view word);

// One `verify=`, `ca_file=`, `sni=` or `alpn=` word of a server line.
common::Result<ServerTls> parse_server_tls_option(ServerTls tls, std::string_view word);

// `default_server = OPTIONS`: each option as a server line would take it.
common::Status check_server_options(std::string_view options);

// `capture_request_header = NAME len N` (and response).
common::Result<CaptureHeader> parse_capture_header(std::string_view value);

// `declare_capture = request|response len N`: a slot for `capture ... id N`.
struct DeclaredCapture {
  bool response = false;
  std::size_t len = 0;
  int line = 0;
};
common::Result<DeclaredCapture> parse_declare_capture(std::string_view value);

// The capture slots of frontend <f>, in declaration order (HAProxy's): its
// header captures, <declared> ones and one per `http_request capture ...
// len N`, whose rule learns its slot id. An `id` beyond the slots is an error.
void number_captures(const common::config::IniDocument& doc, Frontend& f, std::span<const DeclaredCapture> declared,
                     common::config::Diagnostics& diagnostics);

// In a backend, `capture ... len N` is an error: only a frontend declares slots.
void check_backend_captures(const common::config::IniDocument& doc, const Backend& b,
                            common::config::Diagnostics& diagnostics);

}  // namespace proxyd::config

namespace proxyd::config {

// For one [frontend], [backend] or [listen] <section> once loaded, with the
// keys it set (<seen>) and its effective <settings>: in mode tcp, a warning
// for each layer-7 key the section sets ("has no effect in mode tcp"), and an
// error for the backend features that cannot work without HTTP (balance uri
// and hdr, cookie, check = http), set here or inherited from [defaults].
void check_layer7_keys(const common::config::IniDocument& doc, const common::config::IniSection& section,
                       const common::config::KeysSeen& seen, const ProxySettings& settings, bool is_backend,
                       common::config::Diagnostics& diagnostics);

// Cross-section checks of HTTP mode and TLS: a frontend and the backends it
// can reach agree on the mode, use_backend names an existing backend, rules
// that need HTTP sit on http frontends, `ssl` binds on http frontends, and
// server `cookie=` values have a backend `cookie` to use them.
void validate_http(const common::config::IniDocument& doc, const ProxyConfig& config,
                   common::config::Diagnostics& diagnostics);

}  // namespace proxyd::config
