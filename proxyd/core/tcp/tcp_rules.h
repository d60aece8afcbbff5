// HAProxy's `tcp-request` rules (configuration.txt, 4.2 "tcp-request"):
//   tcp_request = connection accept|reject|expect-proxy layer4 [if|unless COND]
//   tcp_request = session accept|reject [if|unless COND]
//   tcp_request = content accept|reject [if|unless COND]
//   tcp_request = (connection|session|content) set-var(SCOPE.NAME) EXPR | unset-var(...)
//   tcp_request_inspect_delay = 5s
// `connection` rules run at accept, on the addresses only (a reject closes
// at once, unlogged); `session` rules once a PROXY header is read; `content`
// rules when the request's first bytes are in (a TLS ClientHello in mode
// tcp, waited for up to tcp_request_inspect_delay; the request head in mode
// http, before the http_request rules). The first accept or reject ends a
// stage's rules; none means accept. Pure.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/sample/acl.h"
#include "proxyd/core/sample/variables.h"

namespace proxyd::tcp {

enum class Stage { Connection, Session, Content };

struct TcpRule {
  enum class Action { Accept, Reject, ExpectProxy, SetVar, UnsetVar };
  Stage stage = Stage::Content;
  Action action = Action::Accept;
  sample::VarName var;
  std::optional<sample::Expression> expression;  // set-var
  std::optional<sample::Condition> condition;
  int line = 0;
};

common::Result<TcpRule> parse_tcp_rule(std::string_view value, sample::Library* lib = nullptr);

enum class Verdict { Accept, Reject };

struct StageResult {
  Verdict verdict = Verdict::Accept;
  bool expect_proxy = false;  // connection: a PROXY header comes first
  int line = 0;               // the deciding rule's (0: none decided)
};

// Runs the rules of <stage> in order (set-var into ctx.vars).
StageResult run_tcp_rules(std::span<const TcpRule> rules, Stage stage, sample::Context& ctx);

// Whether any rule of <stage> exists.
bool has_stage(std::span<const TcpRule> rules, Stage stage);

}  // namespace proxyd::tcp
