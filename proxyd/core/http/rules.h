// Layer-7 rules as configured, and their evaluation: backend selection
// (`use_backend = NAME if ...`), header rewriting (`http_request_*_header`,
// `http_response_*_header`) and redirects (`redirect = ...`). Parsed by the
// configuration (proxy_config.cpp), evaluated per request by the HTTP
// session. Pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proxyd/core/http/message_head.h"

namespace proxyd::http {

// `if host example.org`, `if path_beg /api`, `if path /exact`,
// `if hdr NAME VALUE`, `if sni example.org` (TLS SNI: terminated or passthrough).
struct Condition {
  enum class Kind { Host, PathBeg, Path, Header, Sni };
  Kind kind = Kind::Host;
  std::string name;     // header name, with Kind::Header
  std::string value;    // host names and header values compare case-insensitively
  bool negate = false;  // `unless` instead of `if`
};

struct UseBackendRule {
  std::string backend;
  Condition condition;
  int line = 0;
};

// What a condition is evaluated against.
struct RequestFacts {
  std::string_view host{};            // Host header (a port is ignored); empty if none
  std::string_view path{};            // target without the query; empty in TCP mode
  const MessageHead* head = nullptr;  // nullptr in TCP mode (only sni applies)
  std::string_view sni{};             // TLS server name; empty if none
};

bool matches(const Condition& condition, const RequestFacts& facts);

// The backend named by the first matching rule; nullopt when none matches.
std::optional<std::string_view> select_backend(std::span<const UseBackendRule> rules, const RequestFacts& facts);

// The Host header's name part: "Example.org:8080" -> "Example.org",
// "[::1]:80" -> "[::1]".
std::string_view host_without_port(std::string_view host);

struct HeaderRule {
  enum class Action { Add, Set, Del };
  Action action = Action::Add;
  std::string name;
  std::string value;  // empty with Del
  int line = 0;
};

// `redirect = scheme https [code 301]` or `redirect = location URL [code 302]`;
// optional `if/unless` condition as for use_backend.
struct RedirectRule {
  enum class Kind { Scheme, Location };
  Kind kind = Kind::Location;
  std::string value;  // the scheme or the URL
  int code = 302;     // 301, 302, 303, 307 or 308
  std::optional<Condition> condition;
  int line = 0;
};

// The complete response (head, no body, Connection: close) for <rule>, for
// a request with <host> and <target>. A scheme redirect keeps host and
// target ("https://" + host + target).
std::string build_redirect(const RedirectRule& rule, std::string_view host, std::string_view target);

}  // namespace proxyd::http
