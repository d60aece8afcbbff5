// Running http_request/http_response rules (http_actions.h).
#include "proxyd/core/http/http_actions.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/core/text.h"
#include "proxyd/core/http/error_pages.h"
#include "proxyd/core/http/response.h"

namespace proxyd::http {

namespace {

using Kind = HttpAction::Kind;

struct Target {
  std::string_view path;
  std::string_view query;  // with its '?', if any
};
Target split_target(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q)};
}

std::string render_body(const HttpAction& a, const sample::Context& ctx) {
  if (a.body_is_format) return a.value.render(ctx);
  if (a.body_file) return *a.body_file;
  return a.body;
}

std::string render_response(const HttpAction& a, const sample::Context& ctx) {
  const std::string body = render_body(a, ctx);
  std::string out =
      fmt::format("HTTP/1.1 {} {}\r\nContent-Length: {}\r\n", a.status, reason_phrase(a.status), body.size());
  if (!a.content_type.empty()) out += fmt::format("Content-Type: {}\r\n", a.content_type);
  for (const auto& [name, value] : a.headers) out += fmt::format("{}: {}\r\n", name, value.render(ctx));
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

std::string redirect_location(const HttpAction& a, const sample::Context& ctx) {
  const auto value = a.value.render(ctx);
  const auto* request = ctx.request;
  std::string target(request != nullptr ? request->target : std::string_view("/"));
  if (a.drop_query) target = target.substr(0, target.find('?'));
  // HAProxy's append-slash looks at the last character of what is kept
  // (the query too, unless drop-query): use them together.
  if (a.append_slash && !target.ends_with('/')) target += '/';
  switch (a.redirect) {
    case HttpAction::Redirect::Scheme: {
      const auto host = request != nullptr ? request->header("host").value_or("") : "";
      return fmt::format("{}://{}{}", value, host, target);
    }
    case HttpAction::Redirect::Prefix:
      return value + std::string(target);
    case HttpAction::Redirect::Location:
      break;
  }
  return value;
}

// The 401 of `auth`: the error page with a Basic challenge.
std::string auth_response(const HttpAction& a, const sample::Context& ctx) {
  auto out = default_error_response(401);
  const auto realm = !a.name.empty() ? a.name : std::string(!ctx.backend.empty() ? ctx.backend : ctx.frontend);
  out.insert(out.find("\r\n") + 2, fmt::format("WWW-Authenticate: Basic realm=\"{}\"\r\n", realm));
  return out;
}

// replace-value: each comma-separated value of the field on its own; the
// separators and the blanks around the values stay as they were (HAProxy's).
std::optional<std::string> replace_each_value(const sample::Regex& re, std::string_view value,
                                              std::string_view format) {
  std::string out;
  bool changed = false;
  while (true) {
    const auto comma = value.find(',');
    const auto segment = value.substr(0, comma);
    const auto item = common::text::trim(segment);
    const auto lead = static_cast<std::size_t>(item.data() - segment.data());
    auto replaced = re.rewrite(item, format);
    changed |= replaced.has_value();
    out += segment.substr(0, lead);
    out += replaced ? *replaced : std::string(item);
    out += segment.substr(lead + item.size());
    if (comma == std::string_view::npos) break;
    out += ',';
    value.remove_prefix(comma + 1);
  }
  return changed ? std::optional(std::move(out)) : std::nullopt;
}

// The target edits: set-path ... replace-uri, normalize-uri.
void edit_target(const HttpAction& a, const sample::Context& ctx, EditableHead& head) {
  const std::string target(head.head().target);
  const auto [path, query] = split_target(target);
  switch (a.kind) {
    case Kind::SetPath:
      head.set_target(a.value.render(ctx) + std::string(query));
      break;
    case Kind::SetPathQ:
    case Kind::SetUri:
      head.set_target(a.value.render(ctx));
      break;
    case Kind::SetQuery: {
      const auto q = a.value.render(ctx);
      head.set_target(std::string(path) + (q.empty() ? "" : "?" + q));
      break;
    }
    case Kind::ReplacePath:
      if (auto p = a.regex->rewrite(path, a.value.render(ctx))) head.set_target(*p + std::string(query));
      break;
    case Kind::ReplacePathQ:
    case Kind::ReplaceUri:
      if (auto t = a.regex->rewrite(target, a.value.render(ctx))) head.set_target(*t);
      break;
    default:
      head.set_target(normalize_target(target, a.normalizer));
      break;
  }
}

// reqrep/rsprep: the request line (requests), then every header line.
void replace_lines(const HttpAction& a, EditableHead& head) {
  const auto& h = head.head();
  if (h.status == 0) {
    const auto line = fmt::format("{} {} HTTP/1.{}", h.method, h.target, h.version_minor);
    if (const auto out = a.regex->rewrite(line, a.body)) {
      const auto first = out->find(' ');
      const auto last = out->rfind(' ');
      if (first != std::string::npos && last > first) {
        head.set_method(std::string_view(*out).substr(0, first));
        head.set_target(std::string_view(*out).substr(first + 1, last - first - 1));
      }
    }
  }
  head.rewrite_lines([&](std::string_view line) { return a.regex->rewrite(line, a.body); });
}

// The actions that edit and go on.
void edit(const HttpAction& a, sample::Context& ctx, EditableHead& head, ActionResult& r) {
  switch (a.kind) {
    case Kind::SetHeader:
      head.set_header(a.name, a.value.render(ctx));
      break;
    case Kind::AddHeader:
      head.add_header(a.name, a.value.render(ctx));
      break;
    case Kind::DelHeader:
      head.del_header(a.name);
      break;
    case Kind::LineReplace:
      replace_lines(a, head);
      break;
    case Kind::ReplaceHeader: {
      const auto format = a.value.render(ctx);
      head.rewrite_headers(a.name, [&](std::string_view v) { return a.regex->rewrite(v, format); });
      break;
    }
    case Kind::ReplaceValue: {
      const auto format = a.value.render(ctx);
      head.rewrite_headers(a.name, [&](std::string_view v) { return replace_each_value(*a.regex, v, format); });
      break;
    }
    case Kind::SetMethod:
      head.set_method(a.value.render(ctx));
      break;
    case Kind::SetStatus:
      head.set_status(a.status, a.name);
      break;
    case Kind::SetVar:
      if (ctx.vars == nullptr) break;
      if (auto s = sample::evaluate_first(*a.expression, ctx)) ctx.vars->set(a.var, std::move(*s));
      break;
    case Kind::SetVarFmt:
      if (ctx.vars != nullptr) ctx.vars->set(a.var, sample::Sample::of_str(a.value.render(ctx)));
      break;
    case Kind::UnsetVar:
      if (ctx.vars != nullptr) ctx.vars->unset(a.var);
      break;
    case Kind::SetLogLevel:
      r.log_level = a.name;
      break;
    case Kind::Capture:
      if (!a.capture_id) break;  // a `len` capture outside a frontend
      if (auto s = sample::evaluate_first(*a.expression, ctx)) {
        auto text = s->as_text();
        if (a.capture_len != 0 && text.size() > a.capture_len) text.resize(a.capture_len);
        r.captures.emplace_back(*a.capture_id, std::move(text));
      }
      break;
    default:
      edit_target(a, ctx, head);
      break;
  }
}

// Carries out a verdict action; false for the others.
bool stop(const HttpAction& a, const sample::Context& ctx, ActionResult& r) {
  using Stop = ActionResult::Stop;
  switch (a.kind) {
    case Kind::Allow:
      r.stop = Stop::Allow;
      return true;
    case Kind::Deny:
    case Kind::Tarpit:
      r.stop = a.kind == Kind::Deny ? Stop::Deny : Stop::Tarpit;
      r.status = a.status;
      if (!a.content_type.empty()) r.response = render_response(a, ctx);
      return true;
    case Kind::Return:
      r.stop = Stop::Return;
      r.status = a.status;
      r.response = render_response(a, ctx);
      return true;
    case Kind::Auth:
      r.stop = Stop::Auth;
      r.status = 401;
      r.response = auth_response(a, ctx);
      return true;
    case Kind::UseService:
      r.stop = Stop::Service;
      r.service = a.name;
      return true;
    case Kind::Redirect:
      r.stop = Stop::Redirect;
      r.status = a.status;
      r.response = fmt::format("HTTP/1.1 {} {}\r\nContent-Length: 0\r\nLocation: {}\r\nConnection: close\r\n\r\n",
                               a.status, reason_phrase(a.status), redirect_location(a, ctx));
      return true;
    default:
      return false;
  }
}

std::string merge_slashes(std::string_view path) {
  std::string out;
  for (const char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  return out;
}

// path-strip-dot removes "/." segments; path-strip-dotdot resolves "/..".
std::string strip_dots(std::string_view path, bool dotdot) {
  std::vector<std::string_view> segments;
  std::size_t start = path.starts_with('/') ? 1 : 0;
  const bool trailing = path.ends_with("/.") || (dotdot && path.ends_with("/.."));
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg == ".") {
    } else if (dotdot && seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out = path.starts_with('/') ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) out += (i ? "/" : "") + std::string(segments[i]);
  if (trailing && !out.ends_with('/')) out += '/';
  return out;
}

std::string percent_upper(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i + 2 < out.size(); ++i) {
    if (out[i] != '%') continue;
    out[i + 1] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i + 1])));
    out[i + 2] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i + 2])));
  }
  return out;
}

std::string sort_query(std::string_view query) {
  std::vector<std::string_view> params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    params.push_back(query.substr(0, amp));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  std::stable_sort(params.begin(), params.end(), [](std::string_view x, std::string_view y) {
    return x.substr(0, x.find('=')) < y.substr(0, y.find('='));
  });
  std::string out;
  for (std::size_t i = 0; i < params.size(); ++i) out += (i ? "&" : "") + std::string(params[i]);
  return out;
}

}  // namespace

std::string normalize_target(std::string_view target, Normalizer normalizer) {
  if (normalizer == Normalizer::StripFragment) return std::string(target.substr(0, target.find('#')));
  const auto [path, query] = split_target(target);
  switch (normalizer) {
    case Normalizer::MergeSlashes:
      return merge_slashes(path) + std::string(query);
    case Normalizer::StripDot:
    case Normalizer::StripDotDot:
      return strip_dots(path, normalizer == Normalizer::StripDotDot) + std::string(query);
    case Normalizer::PercentUpper:
      return percent_upper(target);
    case Normalizer::SortQuery:
      return query.empty() ? std::string(target) : std::string(path) + "?" + sort_query(query.substr(1));
    default:
      return std::string(target);
  }
}

void run_actions(std::span<const HttpAction> rules, sample::Context& ctx, EditableHead& head, ActionResult& result) {
  for (const auto& a : rules) {
    if (a.condition && !sample::evaluate(*a.condition, ctx)) continue;
    if (stop(a, ctx, result)) return;
    edit(a, ctx, head, result);
  }
}

}  // namespace proxyd::http
