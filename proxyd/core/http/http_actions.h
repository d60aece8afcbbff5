// HAProxy's `http-request` and `http-response` rules (configuration.txt,
// 4.2): an action, its arguments, and an optional if/unless condition,
// run in file order on each request (frontend's, then the chosen
// backend's) or response (backend's, then frontend's):
//   http_request = set-header X-Forwarded-Port %[dst_port]
//   http_request = deny deny_status 403 if { src 192.0.2.0/24 }
//   http_request = return status 200 content-type text/plain string ok if { path /ping }
//   http_response = del-header Server
// Pure: evaluation returns the header edits and the verdict; the HTTP
// session applies them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/sample/acl.h"
#include "proxyd/core/sample/log_format.h"

namespace proxyd::http {

enum class RuleSet { Request, Response };

struct HttpAction {
  enum class Kind {
    Allow,
    Deny,
    SetHeader,
    AddHeader,
    DelHeader,
    ReplaceHeader,
    SetPath,
    ReplacePath,
    Redirect,
    Return
  };
  Kind kind = Kind::Allow;
  std::string name;                    // header name (set-header, add-header, del-header)
  sample::LogFormat value;             // header value, path, redirect target, lf-string body
  std::string body;                    // string body (deny, return), taken as is
  bool body_is_format = false;         // the body is <value> (lf-string)
  std::optional<sample::Regex> regex;  // replace-header, replace-path
  std::string replacement;             // with \1..\9 back-references
  int status = 0;                      // deny/return status, redirect code
  std::string content_type;            // deny, return
  std::vector<std::pair<std::string, sample::LogFormat>> headers;  // return ... hdr NAME VALUE
  enum class Redirect { Location, Scheme, Prefix };
  Redirect redirect = Redirect::Location;
  std::optional<sample::Condition> condition;
  int line = 0;
};

// Parses one rule value (HAProxy's words, after the directive).
// Maps and pattern files register in <lib> (none: they are an error).
common::Result<HttpAction> parse_http_action(std::string_view value, RuleSet set, sample::Library* lib = nullptr);

// What a pass over the rules decided.
struct ActionResult {
  enum class Stop { None, Allow, Deny, Redirect, Return };
  Stop stop = Stop::None;
  int status = 0;
  std::string response;               // Redirect, Return: the complete response
  std::vector<HeaderRule> edits;      // header edits, in order (rendered values)
  std::optional<std::string> target;  // set-path: the new request target (query kept)
};

// Runs <rules> in order against <ctx> until one stops the pass (allow,
// deny, redirect, return). <target> is the request's (for set-path and
// scheme redirects), <host> its Host header.
void run_actions(std::span<const HttpAction> rules, const sample::Context& ctx, std::string_view host,
                 std::string_view target, ActionResult& result);

}  // namespace proxyd::http
