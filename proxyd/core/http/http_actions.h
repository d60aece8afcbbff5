// HAProxy's `http-request` and `http-response` rules (configuration.txt,
// 4.2): an action, its arguments, and an optional if/unless condition,
// run in file order on each request (frontend's, then the chosen
// backend's) or response (backend's, then frontend's):
//   http_request = set-header X-Forwarded-Port %[dst_port]
//   http_request = deny deny_status 403 if { src 192.0.2.0/24 }
//   http_request = return status 200 content-type text/plain string ok if { path /ping }
//   http_response = del-header Server
// Each edit applies at once to the message (an EditableHead), so the rules
// after it see it, as in HAProxy. Parsing is http_action_parse.cpp, running
// http_actions.cpp. Pure: the session carries out the verdict.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/http/editable_head.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/sample/acl.h"
#include "proxyd/core/sample/log_format.h"
#include "proxyd/core/sample/variables.h"

namespace proxyd::http {

enum class RuleSet { Request, Response };

// normalize-uri's normalizers (the common ones).
enum class Normalizer { MergeSlashes, StripDot, StripDotDot, PercentUpper, SortQuery, StripFragment };

struct HttpAction {
  enum class Kind {
    Allow,
    Deny,
    Tarpit,
    Auth,
    Redirect,
    Return,
    SetHeader,
    AddHeader,
    DelHeader,
    ReplaceHeader,
    ReplaceValue,
    SetPath,
    SetPathQ,
    SetQuery,
    SetUri,
    ReplacePath,
    ReplacePathQ,
    ReplaceUri,
    SetMethod,
    SetStatus,
    SetVar,
    SetVarFmt,
    UnsetVar,
    SetLogLevel,
    NormalizeUri,
    Capture,
    LineReplace,  // HAProxy 1.x's reqrep/reqirep/rsprep/rspirep
    UseService,   // use-service prometheus-exporter: proxyd answers with its metrics
  };
  Kind kind = Kind::Allow;
  std::string name;                              // header name; auth realm; set-status reason; log level
  sample::LogFormat value;                       // header value, path, target, redirect, lf-string, replacement
  std::optional<sample::Expression> expression;  // set-var, capture
  sample::VarName var;                           // set-var, set-var-fmt, unset-var
  std::string body;                              // string body (deny, return, tarpit), taken as is
  bool body_is_format = false;                   // the body is <value> (lf-string)
  std::shared_ptr<const std::string> body_file;  // file F: its contents (loaded with the configuration)
  std::string body_path;                         // file F: its path
  std::optional<sample::Regex> regex;            // replace-*
  int status = 0;                                // deny/return/tarpit/set-status status, redirect code
  std::string content_type;                      // deny, return
  std::vector<std::pair<std::string, sample::LogFormat>> headers;  // return ... hdr NAME VALUE
  enum class Redirect { Location, Scheme, Prefix };
  Redirect redirect = Redirect::Location;
  bool drop_query = false;    // redirect … drop-query
  bool append_slash = false;  // redirect … append-slash
  Normalizer normalizer = Normalizer::MergeSlashes;
  // capture SAMPLE len N | id N: the slot (set by the configuration for the
  // `len` form, which declares one) and its length (0: the slot's).
  std::optional<std::size_t> capture_id;
  std::size_t capture_len = 0;
  std::optional<sample::Condition> condition;
  int line = 0;
};

// Parses one rule value (HAProxy's words, after the directive). Maps,
// pattern files and userlists come from <lib> (none: they are an error).
common::Result<HttpAction> parse_http_action(std::string_view value, RuleSet set, sample::Library* lib = nullptr);

// What a pass over the rules decided.
struct ActionResult {
  enum class Stop { None, Allow, Deny, Tarpit, Auth, Redirect, Return, Service };
  Stop stop = Stop::None;
  int status = 0;
  std::string response;                  // the complete response (Auth, Redirect, Return; Deny with a body)
  std::string service;                   // Service: its name (prometheus-exporter)
  std::optional<std::string> log_level;  // set-log-level (emerg ... debug, silent)
  // capture: (slot, value) in rule order; the session cuts each to its slot's length.
  std::vector<std::pair<std::size_t, std::string>> captures;
};

// Runs <rules> in order until one stops the pass (allow, deny, tarpit,
// auth, redirect, return), editing <head> as they go. <ctx> must read
// <head> (ctx.request for request rules, ctx.response for response rules).
void run_actions(std::span<const HttpAction> rules, sample::Context& ctx, EditableHead& head, ActionResult& result);

// normalize-uri: <target> with <normalizer> applied.
std::string normalize_target(std::string_view target, Normalizer normalizer);

}  // namespace proxyd::http
