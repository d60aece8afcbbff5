#include "proxyd/core/tcp/tcp_rules.h"

#include <algorithm>

namespace proxyd::tcp {

namespace {

using common::fail;
using Action = TcpRule::Action;

common::Result<Stage> stage_of(std::string_view word) {
  if (word == "connection") return Stage::Connection;
  if (word == "session") return Stage::Session;
  if (word == "content") return Stage::Content;
  return fail("expected connection, session or content, got '{}'", word);
}

// set-var(SCOPE.NAME) EXPR | unset-var(SCOPE.NAME)
common::Status parse_variable(TcpRule& rule, std::span<const sample::Word> w, sample::Library* lib) {
  const auto& word = w[1].text;
  const bool set = word.starts_with("set-var(");
  if (!word.ends_with(')')) return fail("'{}': expected {}(SCOPE.NAME)", word, set ? "set-var" : "unset-var");
  const auto open = word.find('(');
  auto var = sample::parse_var_name(std::string_view(word).substr(open + 1, word.size() - open - 2));
  if (!var) return tl::unexpected(var.error());
  rule.var = std::move(*var);
  rule.action = set ? Action::SetVar : Action::UnsetVar;
  if (!set) return w.size() == 2 ? common::Status{} : fail("unset-var takes no argument");
  if (w.size() != 3) return fail("set-var expects one EXPRESSION");
  auto expr = sample::parse_expression(w[2].text, lib);
  if (!expr) return fail("column {}: {}", w[2].column, expr.error().describe());
  rule.expression = std::move(*expr);
  return {};
}

common::Status parse_action(TcpRule& rule, std::span<const sample::Word> w, sample::Library* lib) {
  const auto& action = w[1].text;
  if (action.starts_with("set-var(") || action.starts_with("unset-var(")) return parse_variable(rule, w, lib);
  if (action == "accept" || action == "reject") {
    rule.action = action == "accept" ? Action::Accept : Action::Reject;
    return w.size() == 2 ? common::Status{} : fail("{} takes no argument", action);
  }
  if (action == "expect-proxy") {
    if (rule.stage != Stage::Connection) return fail("expect-proxy is a connection rule");
    if (w.size() != 3 || w[2].text != "layer4") return fail("expected expect-proxy layer4");
    rule.action = Action::ExpectProxy;
    return {};
  }
  return fail(
      "unknown tcp_request action '{}' (supported: accept reject expect-proxy set-var unset-var; "
      "track-sc comes with stick tables)",
      action);
}

}  // namespace

common::Result<TcpRule> parse_tcp_rule(std::string_view value, sample::Library* lib) {
  auto guarded = sample::split_condition(value, lib);
  if (!guarded) return tl::unexpected(guarded.error());
  const auto& w = guarded->words;
  if (w.size() < 2) return fail("expected connection|session|content ACTION [if|unless CONDITION]");
  auto stage = stage_of(w[0].text);
  if (!stage) return tl::unexpected(stage.error());
  TcpRule rule;
  rule.stage = *stage;
  if (auto ok = parse_action(rule, w, lib); !ok) return tl::unexpected(ok.error());
  rule.condition = std::move(guarded->condition);
  if (rule.stage != Stage::Content && rule.condition && sample::needs_http(*rule.condition))
    return fail("a {} rule runs before any request is read: its condition cannot read HTTP (src, dst ... can)",
                rule.stage == Stage::Connection ? "connection" : "session");
  return rule;
}

StageResult run_tcp_rules(std::span<const TcpRule> rules, Stage stage, sample::Context& ctx) {
  StageResult result;
  for (const auto& rule : rules) {
    if (rule.stage != stage) continue;
    if (rule.condition && !sample::evaluate(*rule.condition, ctx)) continue;
    switch (rule.action) {
      case Action::Accept:
      case Action::Reject:
        result.verdict = rule.action == Action::Accept ? Verdict::Accept : Verdict::Reject;
        result.line = rule.line;
        return result;
      case Action::ExpectProxy:
        result.expect_proxy = true;
        break;
      case Action::SetVar:
        if (ctx.vars == nullptr) break;
        if (auto s = sample::evaluate_first(*rule.expression, ctx)) ctx.vars->set(rule.var, std::move(*s));
        break;
      case Action::UnsetVar:
        if (ctx.vars != nullptr) ctx.vars->unset(rule.var);
        break;
    }
  }
  return result;
}

bool has_stage(std::span<const TcpRule> rules, Stage stage) {
  return std::any_of(rules.begin(), rules.end(), [&](const TcpRule& r) { return r.stage == stage; });
}

}  // namespace proxyd::tcp
