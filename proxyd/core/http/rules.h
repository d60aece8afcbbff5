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
#include "proxyd/core/sample/acl.h"
#include "proxyd/core/sample/log_format.h"

namespace proxyd::http {

struct UseBackendRule {
  std::string backend;                         // as written
  std::optional<sample::LogFormat> dynamic;    // a name with %[...], computed per request
  std::optional<sample::Condition> condition;  // HAProxy's `if|unless` (proxyd/core/sample/acl.h)
  int line = 0;
};

// The backend named by the first matching rule; nullopt when none matches.
// A computed name may name no backend: the caller then uses the default
// one, as HAProxy does.
std::optional<std::string> select_backend(std::span<const UseBackendRule> rules, const sample::Context& ctx);

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
  std::optional<sample::Condition> condition;
  int line = 0;
};

// The complete response (head, no body, Connection: close) for <rule>, for
// a request with <host> and <target>. A scheme redirect keeps host and
// target ("https://" + host + target).
std::string build_redirect(const RedirectRule& rule, std::string_view host, std::string_view target);

}  // namespace proxyd::http
