// Parsing of http_request/http_response rules (http_actions.h).
#include <fmt/format.h>

#include <array>
#include <charconv>

#include "proxyd/core/http/http_actions.h"
#include "proxyd/core/http/response.h"
#include "proxyd/core/sample/library.h"

namespace proxyd::http {

namespace {

using common::fail;
using sample::Word;
using Kind = HttpAction::Kind;
using Words = std::span<const Word>;

// An integer in [low, high] (a status code, a length).
std::optional<int> int_in(std::string_view text, int low, int high) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < low || v > high) return std::nullopt;
  return v;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c <= 32 || c >= 127 || std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

// set-status without a reason: the code's phrase, else its class's, as HAProxy.
std::string_view default_reason(int status) {
  const auto known = reason_phrase(status);
  if (known != "Unknown") return known;
  static constexpr std::array<std::string_view, 5> kClasses{"Informational", "Success", "Redirection", "Client Error",
                                                            "Server Error"};
  return status >= 100 && status < 600 ? kClasses[static_cast<std::size_t>(status / 100 - 1)] : "Other";
}

// The parse of one rule: its words, the library, and what it fills.
struct Parser {
  HttpAction& a;
  Words w;
  sample::Library* lib;

  common::Status format(const Word& word, sample::LogFormat& out) const {
    auto f = sample::LogFormat::parse(word.text, lib);
    if (!f) return fail("column {}: {}", word.column, f.error().describe());
    out = std::move(*f);
    return {};
  }
  common::Status regex(const Word& word) const {
    auto re = sample::Regex::compile(word.text);
    if (!re) return fail("column {}: {}", word.column, re.error().describe());
    a.regex = std::move(*re);
    return {};
  }

  // set-header / add-header NAME FMT, del-header NAME.
  common::Status header() const {
    const bool del = a.kind == Kind::DelHeader;
    if (w.size() != (del ? 2u : 3u) || !is_token(w[1].text))
      return fail("{} expects NAME{}", w[0].text, del ? "" : " VALUE (quote a value with spaces)");
    a.name = w[1].text;
    return del ? common::Status{} : format(w[2], a.value);
  }
  // replace-header|replace-value NAME REGEX FMT, replace-path|replace-pathq|replace-uri REGEX FMT.
  common::Status replace() const {
    const bool header = a.kind == Kind::ReplaceHeader || a.kind == Kind::ReplaceValue;
    if (w.size() != (header ? 4u : 3u) || (header && !is_token(w[1].text)))
      return fail("{} expects {}REGEX REPLACEMENT", w[0].text, header ? "NAME " : "");
    if (header) a.name = w[1].text;
    if (auto ok = regex(w[header ? 2 : 1]); !ok) return ok;
    return format(w.back(), a.value);
  }
  // reqrep|reqirep|rsprep|rspirep REGEX STRING (HAProxy 1.x): each line of
  // the head that matches becomes STRING with \N back-references.
  common::Status line_replace() const {
    if (w.size() != 3) return fail("{} expects REGEX STRING", w[0].text);
    auto re = sample::Regex::compile(w[1].text, w[0].text.ends_with("irep"));
    if (!re) return fail("column {}: {}", w[1].column, re.error().describe());
    a.regex = std::move(*re);
    a.body = w[2].text;
    return {};
  }
  // set-path|set-pathq|set-query|set-uri|set-method FMT.
  common::Status one_format() const {
    if (w.size() != 2) return fail("{} expects one FORMAT (e.g. /prefix%[path])", w[0].text);
    return format(w[1], a.value);
  }
  // redirect location|prefix FMT | scheme NAME [code N]
  common::Status redirect() const {
    if (w.size() < 3) return fail("redirect expects location URL, prefix URL or scheme NAME [code N]");
    const auto& how = w[1].text;
    if (how == "location") {
      a.redirect = HttpAction::Redirect::Location;
    } else if (how == "prefix") {
      a.redirect = HttpAction::Redirect::Prefix;
    } else if (how == "scheme") {
      a.redirect = HttpAction::Redirect::Scheme;
    } else {
      return fail("redirect: expected location, prefix or scheme, got '{}'", how);
    }
    if (auto ok = format(w[2], a.value); !ok) return ok;
    a.status = 302;
    for (std::size_t i = 3; i < w.size(); ++i) {
      if (w[i].text == "drop-query" || w[i].text == "append-slash") {
        (w[i].text == "drop-query" ? a.drop_query : a.append_slash) = true;
        continue;
      }
      if (w[i].text != "code" || i + 1 == w.size())
        return fail("redirect: option '{}' is not supported (code N, drop-query and append-slash are)", w[i].text);
      const auto code = int_in(w[++i].text, 301, 308);
      if (!code || *code == 304 || *code == 305 || *code == 306)
        return fail("redirect code: 301, 302, 303, 307 or 308");
      a.status = *code;
    }
    return {};
  }
  // return|deny|tarpit [status N|deny_status N] [content-type T] [string S|lf-string S|file F] [hdr NAME VALUE]...
  common::Status response() const {
    a.status = a.kind == Kind::Deny ? 403 : a.kind == Kind::Tarpit ? 500 : 200;
    for (std::size_t i = 1; i < w.size(); ++i) {
      const auto& word = w[i].text;
      const bool last = i + 1 >= w.size();
      if ((word == "status" || word == "deny_status") && !last) {
        const auto code = int_in(w[++i].text, 200, 599);
        if (!code) return fail("{}: expected an HTTP status 200..599, got '{}'", word, w[i].text);
        a.status = *code;
      } else if (word == "content-type" && !last) {
        a.content_type = w[++i].text;
      } else if (word == "string" && !last) {
        a.body = w[++i].text;
      } else if (word == "lf-string" && !last) {
        if (auto ok = format(w[++i], a.value); !ok) return ok;
        a.body_is_format = true;
      } else if ((word == "file" || word == "errorfile") && !last) {
        if (lib == nullptr) return fail("{} {}: files are not available here", w[0].text, word);
        a.body_path = w[++i].text;
        a.body_file = lib->body_file(a.body_path);
      } else if (word == "hdr" && i + 2 < w.size()) {
        a.headers.emplace_back(w[i + 1].text, sample::LogFormat{});
        if (auto ok = format(w[i + 2], a.headers.back().second); !ok) return ok;
        i += 2;
      } else {
        return fail("{}: unexpected '{}'", w[0].text, word);
      }
    }
    const bool has_body = a.body_is_format || !a.body.empty() || a.body_file;
    if (has_body && a.content_type.empty()) return fail("{}: a body needs content-type", w[0].text);
    return {};
  }
  // auth [realm REALM]
  common::Status auth() const {
    if (w.size() == 1) return {};
    if (w.size() != 3 || w[1].text != "realm") return fail("auth expects [realm REALM]");
    a.name = w[2].text;
    return {};
  }
  // set-status N [reason TEXT]
  common::Status set_status() const {
    const auto code = w.size() >= 2 ? int_in(w[1].text, 100, 999) : std::nullopt;
    if (!code || (w.size() != 2 && (w.size() != 4 || w[2].text != "reason")))
      return fail("set-status expects STATUS (100..999) [reason TEXT]");
    a.status = *code;
    a.name = w.size() == 4 ? w[3].text : std::string(default_reason(*code));
    return {};
  }
  // set-var(SCOPE.NAME) EXPR, set-var-fmt(SCOPE.NAME) FMT, unset-var(SCOPE.NAME)
  common::Status variable(std::string_view inside) const {
    auto var = sample::parse_var_name(inside);
    if (!var) return tl::unexpected(var.error());
    a.var = std::move(*var);
    if (a.kind == Kind::UnsetVar) return w.size() == 1 ? common::Status{} : fail("unset-var takes no argument");
    if (w.size() != 2) return fail("{} expects one {}", w[0].text, a.kind == Kind::SetVar ? "EXPRESSION" : "FORMAT");
    if (a.kind == Kind::SetVarFmt) return format(w[1], a.value);
    auto expr = sample::parse_expression(w[1].text, lib);
    if (!expr) return fail("column {}: {}", w[1].column, expr.error().describe());
    a.expression = std::move(*expr);
    return {};
  }
  common::Status log_level() const {
    static constexpr std::array kLevels{"emerg",  "alert", "crit",  "err",   "warning",
                                        "notice", "info",  "debug", "silent"};
    if (w.size() != 2 || std::find(kLevels.begin(), kLevels.end(), w[1].text) == kLevels.end())
      return fail("set-log-level expects emerg alert crit err warning notice info debug or silent");
    a.name = w[1].text;
    return {};
  }
  common::Status normalize() const {
    static constexpr std::array<std::pair<std::string_view, Normalizer>, 6> kNames{{
        {"path-merge-slashes", Normalizer::MergeSlashes},
        {"path-strip-dot", Normalizer::StripDot},
        {"path-strip-dotdot", Normalizer::StripDotDot},
        {"percent-to-uppercase", Normalizer::PercentUpper},
        {"query-sort-by-name", Normalizer::SortQuery},
        {"fragment-strip", Normalizer::StripFragment},
    }};
    for (const auto& [name, n] : kNames) {
      if (w.size() == 2 && w[1].text == name) {
        a.normalizer = n;
        return {};
      }
    }
    return fail(
        "normalize-uri expects path-merge-slashes, path-strip-dot, path-strip-dotdot, "
        "percent-to-uppercase, query-sort-by-name or fragment-strip");
  }
  // capture SAMPLE len N (request rules: declares a slot) | capture SAMPLE id N
  common::Status capture(RuleSet set) const {
    const bool request = set == RuleSet::Request;
    const auto usage = request ? "capture expects SAMPLE len N or SAMPLE id N" : "capture expects SAMPLE id N";
    if (w.size() != 4 || (w[2].text != "id" && (w[2].text != "len" || !request))) return fail("{}", usage);
    const auto number = w[2].text == "len" ? int_in(w[3].text, 1, 65536) : int_in(w[3].text, 0, 255);
    if (!number) return fail("column {}: {} ({})", w[3].column, usage, w[2].text == "len" ? "1..65536" : "0..255");
    auto expr = sample::parse_expression(w[1].text, lib);
    if (!expr) return fail("column {}: {}", w[1].column, expr.error().describe());
    a.expression = std::move(*expr);
    if (w[2].text == "len") a.capture_len = static_cast<std::size_t>(*number);
    if (w[2].text == "id") a.capture_id = static_cast<std::size_t>(*number);
    return {};
  }
  // use-service NAME: the services proxyd has (HAProxy's Lua services are not).
  common::Status service() const {
    if (w.size() != 2) return fail("use-service takes the name of a service (prometheus-exporter)");
    if (w[1].text != "prometheus-exporter") {
      return fail("use-service '{}': proxyd's only service is prometheus-exporter (Lua services are not supported)",
                  w[1].text);
    }
    a.name = w[1].text;
    return {};
  }
  common::Status no_argument() const {
    return w.size() == 1 ? common::Status{} : fail("{} takes no argument", w[0].text);
  }
};

struct KindName {
  std::string_view name;
  Kind kind;
  bool request;
  bool response;
};
constexpr std::array<KindName, 31> kKinds{{
    {"allow", Kind::Allow, true, true},
    {"deny", Kind::Deny, true, true},
    {"tarpit", Kind::Tarpit, true, false},
    {"auth", Kind::Auth, true, false},
    {"redirect", Kind::Redirect, true, true},
    {"return", Kind::Return, true, true},
    {"set-header", Kind::SetHeader, true, true},
    {"add-header", Kind::AddHeader, true, true},
    {"del-header", Kind::DelHeader, true, true},
    {"replace-header", Kind::ReplaceHeader, true, true},
    {"replace-value", Kind::ReplaceValue, true, true},
    {"set-path", Kind::SetPath, true, false},
    {"set-pathq", Kind::SetPathQ, true, false},
    {"set-query", Kind::SetQuery, true, false},
    {"set-uri", Kind::SetUri, true, false},
    {"replace-path", Kind::ReplacePath, true, false},
    {"replace-pathq", Kind::ReplacePathQ, true, false},
    {"replace-uri", Kind::ReplaceUri, true, false},
    {"set-method", Kind::SetMethod, true, false},
    {"set-status", Kind::SetStatus, false, true},
    {"set-var", Kind::SetVar, true, true},
    {"set-var-fmt", Kind::SetVarFmt, true, true},
    {"unset-var", Kind::UnsetVar, true, true},
    {"set-log-level", Kind::SetLogLevel, true, true},
    {"normalize-uri", Kind::NormalizeUri, true, false},
    {"capture", Kind::Capture, true, true},
    {"reqrep", Kind::LineReplace, true, false},
    {"reqirep", Kind::LineReplace, true, false},
    {"rsprep", Kind::LineReplace, false, true},
    {"rspirep", Kind::LineReplace, false, true},
    {"use-service", Kind::UseService, true, false},
}};

// The action of <word> ("set-var(txn.x)" names set-var; <inside> gets "txn.x").
common::Result<Kind> kind_of(std::string_view word, RuleSet set, std::string_view& inside) {
  const bool request = set == RuleSet::Request;
  const auto paren = word.find('(');
  auto name = word.substr(0, paren);
  if (paren != std::string_view::npos) {
    if (!word.ends_with(')')) return fail("'{}': missing ')'", word);
    inside = word.substr(paren + 1, word.size() - paren - 2);
  }
  std::string names;
  for (const auto& k : kKinds) {
    if (!(request ? k.request : k.response)) continue;
    names += names.empty() ? "" : " ";
    names += k.name;
    if (k.name != name) continue;
    const bool takes_var = k.kind == Kind::SetVar || k.kind == Kind::SetVarFmt || k.kind == Kind::UnsetVar;
    if (takes_var != (paren != std::string_view::npos))
      return fail("'{}': {}", word, takes_var ? "expected NAME(SCOPE.VARIABLE)" : "takes no (...)");
    return k.kind;
  }
  return fail("unknown {} action '{}' (supported: {})", request ? "http_request" : "http_response", word, names);
}

}  // namespace

common::Result<HttpAction> parse_http_action(std::string_view value, RuleSet set, sample::Library* lib) {
  auto guarded = sample::split_condition(value, lib);
  if (!guarded) return tl::unexpected(guarded.error());
  const auto& w = guarded->words;
  if (w.empty()) return fail("expected ACTION [arguments] [if|unless CONDITION]");
  std::string_view inside;
  auto kind = kind_of(w[0].text, set, inside);
  if (!kind) return tl::unexpected(kind.error());
  HttpAction a;
  a.kind = *kind;
  a.condition = std::move(guarded->condition);
  const Parser p{a, w, lib};
  common::Status ok;
  switch (a.kind) {
    case Kind::SetHeader:
    case Kind::AddHeader:
    case Kind::DelHeader:
      ok = p.header();
      break;
    case Kind::ReplaceHeader:
    case Kind::ReplaceValue:
    case Kind::ReplacePath:
    case Kind::ReplacePathQ:
    case Kind::ReplaceUri:
      ok = p.replace();
      break;
    case Kind::SetPath:
    case Kind::SetPathQ:
    case Kind::SetQuery:
    case Kind::SetUri:
    case Kind::SetMethod:
      ok = p.one_format();
      break;
    case Kind::Redirect:
      ok = p.redirect();
      break;
    case Kind::LineReplace:
      ok = p.line_replace();
      break;
    case Kind::Deny:
    case Kind::Tarpit:
    case Kind::Return:
      ok = p.response();
      break;
    case Kind::Auth:
      ok = p.auth();
      break;
    case Kind::SetStatus:
      ok = p.set_status();
      break;
    case Kind::SetVar:
    case Kind::SetVarFmt:
    case Kind::UnsetVar:
      ok = p.variable(inside);
      break;
    case Kind::SetLogLevel:
      ok = p.log_level();
      break;
    case Kind::NormalizeUri:
      ok = p.normalize();
      break;
    case Kind::Capture:
      ok = p.capture(set);
      break;
    case Kind::Allow:
      ok = p.no_argument();
      break;
    case Kind::UseService:
      ok = p.service();
      break;
  }
  if (!ok) return tl::unexpected(ok.error());
  return a;
}

}  // namespace proxyd::http
