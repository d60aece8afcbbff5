#include "proxyd/core/http/http_actions.h"

#include <fmt/format.h>

#include <charconv>

#include "common/core/text.h"
#include "proxyd/core/http/response.h"

namespace proxyd::http {

namespace {

using common::fail;
using sample::Word;
using Kind = HttpAction::Kind;

std::optional<int> status_code(std::string_view text, int low, int high) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < low || v > high) return std::nullopt;
  return v;
}

common::Result<sample::LogFormat> format_of(const Word& word, sample::Library* lib) {
  auto f = sample::LogFormat::parse(word.text, lib);
  if (!f) return fail("column {}: {}", word.column, f.error().describe());
  return f;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c <= 32 || c >= 127 || std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

// set-header / add-header NAME FMT, del-header NAME.
common::Status parse_header_action(HttpAction& a, std::span<const Word> w, sample::Library* lib) {
  const bool del = a.kind == Kind::DelHeader;
  if (w.size() != (del ? 2u : 3u) || !is_token(w[1].text)) {
    return fail("{} expects NAME{}", w[0].text, del ? "" : " VALUE (quote a value with spaces)");
  }
  a.name = w[1].text;
  if (del) return {};
  auto f = format_of(w[2], lib);
  if (!f) return tl::unexpected(f.error());
  a.value = std::move(*f);
  return {};
}

// replace-header NAME REGEX REPLACEMENT, replace-path REGEX REPLACEMENT.
common::Status parse_replace_action(HttpAction& a, std::span<const Word> w) {
  const bool header = a.kind == Kind::ReplaceHeader;
  if (w.size() != (header ? 4u : 3u) || (header && !is_token(w[1].text))) {
    return fail("{} expects {}REGEX REPLACEMENT", w[0].text, header ? "NAME " : "");
  }
  if (header) a.name = w[1].text;
  const auto& pattern = w[header ? 2 : 1];
  auto re = sample::Regex::compile(pattern.text);
  if (!re) return fail("column {}: {}", pattern.column, re.error().describe());
  a.regex = std::move(*re);
  a.replacement = w.back().text;
  return {};
}

// redirect location|prefix FMT | scheme NAME [code N]
common::Status parse_redirect_action(HttpAction& a, std::span<const Word> w, sample::Library* lib) {
  if (w.size() < 3) return fail("redirect expects location URL, prefix URL or scheme NAME [code N]");
  const auto& how = w[1].text;
  if (how == "location")
    a.redirect = HttpAction::Redirect::Location;
  else if (how == "prefix")
    a.redirect = HttpAction::Redirect::Prefix;
  else if (how == "scheme")
    a.redirect = HttpAction::Redirect::Scheme;
  else
    return fail("redirect: expected location, prefix or scheme, got '{}'", how);
  auto f = format_of(w[2], lib);
  if (!f) return tl::unexpected(f.error());
  a.value = std::move(*f);
  a.status = 302;
  for (std::size_t i = 3; i < w.size(); ++i) {
    if (w[i].text == "code" && i + 1 < w.size()) {
      const auto code = status_code(w[++i].text, 301, 308);
      if (!code || *code == 304 || *code == 305 || *code == 306)
        return fail("redirect code: 301, 302, 303, 307 or 308");
      a.status = *code;
    } else {
      return fail("redirect: option '{}' is not supported (code N is)", w[i].text);
    }
  }
  return {};
}

// return|deny [status N|deny_status N] [content-type T] [string S|lf-string S] [hdr NAME VALUE]...
common::Status parse_response_action(HttpAction& a, std::span<const Word> w, sample::Library* lib) {
  a.status = a.kind == Kind::Deny ? 403 : 200;
  for (std::size_t i = 1; i < w.size(); ++i) {
    const auto& word = w[i].text;
    const bool last = i + 1 >= w.size();
    if ((word == "status" || word == "deny_status") && !last) {
      const auto code = status_code(w[++i].text, 200, 599);
      if (!code) return fail("{}: expected an HTTP status 200..599, got '{}'", word, w[i].text);
      a.status = *code;
    } else if (word == "content-type" && !last) {
      a.content_type = w[++i].text;
    } else if (word == "string" && !last) {
      a.body = w[++i].text;
    } else if (word == "lf-string" && !last) {
      auto f = format_of(w[++i], lib);
      if (!f) return tl::unexpected(f.error());
      a.value = std::move(*f);
      a.body_is_format = true;
    } else if (word == "hdr" && i + 2 < w.size()) {
      auto f = format_of(w[i + 2], lib);
      if (!f) return tl::unexpected(f.error());
      a.headers.emplace_back(w[i + 1].text, std::move(*f));
      i += 2;
    } else if (word == "file" || word == "lf-file" || word == "errorfile" || word == "errorfiles") {
      return fail("{} '{}': bodies from files are not supported yet; use string or lf-string", w[0].text, word);
    } else {
      return fail("{}: unexpected '{}'", w[0].text, word);
    }
  }
  if ((a.body_is_format || !a.body.empty()) && a.content_type.empty()) {
    return fail("{}: a body needs content-type", w[0].text);
  }
  return {};
}

common::Result<Kind> kind_of(std::string_view word, RuleSet set) {
  const bool request = set == RuleSet::Request;
  if (word == "set-header") return Kind::SetHeader;
  if (word == "add-header") return Kind::AddHeader;
  if (word == "del-header") return Kind::DelHeader;
  if (word == "replace-header") return Kind::ReplaceHeader;
  if (request && word == "replace-path") return Kind::ReplacePath;
  if (word == "deny") return Kind::Deny;
  if (word == "allow") return Kind::Allow;
  if (request && word == "set-path") return Kind::SetPath;
  if (request && word == "redirect") return Kind::Redirect;
  if (request && word == "return") return Kind::Return;
  return fail("unknown {} action '{}' (supported: allow deny set-header add-header del-header replace-header{})",
              request ? "http_request" : "http_response", word,
              request ? " set-path replace-path redirect return" : "");
}

std::string render_response(const HttpAction& a, const sample::Context& ctx) {
  const std::string body = a.body_is_format ? a.value.render(ctx) : a.body;
  std::string out =
      fmt::format("HTTP/1.1 {} {}\r\nContent-Length: {}\r\n", a.status, reason_phrase(a.status), body.size());
  if (!a.content_type.empty()) out += fmt::format("Content-Type: {}\r\n", a.content_type);
  for (const auto& [name, value] : a.headers) out += fmt::format("{}: {}\r\n", name, value.render(ctx));
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

std::string redirect_location(const HttpAction& a, const sample::Context& ctx, std::string_view host,
                              std::string_view target) {
  const auto value = a.value.render(ctx);
  switch (a.redirect) {
    case HttpAction::Redirect::Scheme:
      return fmt::format("{}://{}{}", value, host, target);
    case HttpAction::Redirect::Prefix:
      return value + std::string(target);
    case HttpAction::Redirect::Location:
      break;
  }
  return value;
}

// replace-header: each NAME field whose value the regex matches becomes the
// replacement (with its back-references), as HAProxy's. The NAME fields
// are re-added in order after the others.
void replace_header(const HttpAction& a, const MessageHead* head, ActionResult& r) {
  if (head == nullptr) return;
  std::vector<std::string> values;
  bool changed = false;
  for (const auto& field : head->headers) {
    if (!common::text::iequals(field.name, a.name)) continue;
    auto replaced = a.regex->rewrite(field.value, a.replacement);
    changed |= replaced.has_value();
    values.push_back(replaced ? std::move(*replaced) : std::string(field.value));
  }
  if (!changed) return;
  r.edits.push_back({HeaderRule::Action::Del, a.name, {}, a.line});
  for (auto& v : values) r.edits.push_back({HeaderRule::Action::Add, a.name, std::move(v), a.line});
}

// Carries out <a>; true when it ends the pass.
bool perform(const HttpAction& a, const sample::Context& ctx, std::string_view host, std::string_view target,
             ActionResult& r) {
  switch (a.kind) {
    case Kind::SetHeader:
    case Kind::AddHeader:
      r.edits.push_back({a.kind == Kind::SetHeader ? HeaderRule::Action::Set : HeaderRule::Action::Add, a.name,
                         a.value.render(ctx), a.line});
      return false;
    case Kind::DelHeader:
      r.edits.push_back({HeaderRule::Action::Del, a.name, {}, a.line});
      return false;
    case Kind::ReplaceHeader:
      replace_header(a, ctx.response != nullptr ? ctx.response : ctx.request, r);
      return false;
    case Kind::ReplacePath: {
      const auto query = target.find('?');
      if (auto path = a.regex->rewrite(target.substr(0, query), a.replacement)) {
        r.target = *path + std::string(query == std::string_view::npos ? "" : target.substr(query));
      }
      return false;
    }
    case Kind::SetPath: {
      const auto query = target.find('?');
      r.target = a.value.render(ctx) + std::string(query == std::string_view::npos ? "" : target.substr(query));
      return false;
    }
    case Kind::Allow:
      r.stop = ActionResult::Stop::Allow;
      return true;
    case Kind::Deny:
      r.stop = ActionResult::Stop::Deny;
      r.status = a.status;
      if (!a.content_type.empty()) r.response = render_response(a, ctx);
      return true;
    case Kind::Return:
      r.stop = ActionResult::Stop::Return;
      r.status = a.status;
      r.response = render_response(a, ctx);
      return true;
    case Kind::Redirect:
      r.stop = ActionResult::Stop::Redirect;
      r.status = a.status;
      r.response = fmt::format("HTTP/1.1 {} {}\r\nContent-Length: 0\r\nLocation: {}\r\nConnection: close\r\n\r\n",
                               a.status, reason_phrase(a.status), redirect_location(a, ctx, host, target));
      return true;
  }
  return false;
}

}  // namespace

common::Result<HttpAction> parse_http_action(std::string_view value, RuleSet set, sample::Library* lib) {
  auto guarded = sample::split_condition(value, lib);
  if (!guarded) return tl::unexpected(guarded.error());
  const auto& w = guarded->words;
  if (w.empty()) return fail("expected ACTION [arguments] [if|unless CONDITION]");
  auto kind = kind_of(w[0].text, set);
  if (!kind) return tl::unexpected(kind.error());
  HttpAction a;
  a.kind = *kind;
  a.condition = std::move(guarded->condition);
  common::Status ok;
  switch (a.kind) {
    case Kind::SetHeader:
    case Kind::AddHeader:
    case Kind::DelHeader:
      ok = parse_header_action(a, w, lib);
      break;
    case Kind::ReplaceHeader:
    case Kind::ReplacePath:
      ok = parse_replace_action(a, w);
      break;
    case Kind::SetPath:
      if (w.size() != 2) return fail("set-path expects one FORMAT (e.g. /prefix%[path])");
      if (auto f = format_of(w[1], lib)) {
        a.value = std::move(*f);
      } else {
        return tl::unexpected(f.error());
      }
      break;
    case Kind::Redirect:
      ok = parse_redirect_action(a, w, lib);
      break;
    case Kind::Deny:
    case Kind::Return:
      ok = parse_response_action(a, w, lib);
      break;
    case Kind::Allow:
      if (w.size() != 1) return fail("allow takes no argument");
      break;
  }
  if (!ok) return tl::unexpected(ok.error());
  return a;
}

void run_actions(std::span<const HttpAction> rules, const sample::Context& ctx, std::string_view host,
                 std::string_view target, ActionResult& result) {
  for (const auto& a : rules) {
    if (a.condition && !sample::evaluate(*a.condition, ctx)) continue;
    if (perform(a, ctx, host, result.target ? std::string_view(*result.target) : target, result)) return;
  }
}

}  // namespace proxyd::http
