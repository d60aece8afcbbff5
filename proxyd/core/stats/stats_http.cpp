#include "proxyd/core/stats/stats_http.h"

#include <fmt/format.h>

#include "common/core/text.h"
#include "proxyd/core/http/basic_auth.h"
#include "proxyd/core/http/form.h"
#include "proxyd/core/stats/prometheus_render.h"

namespace proxyd::stats {
namespace {

using http::Response;
using http::text_response;

// The page has no script and may only style itself and post to itself.
constexpr std::string_view kPagePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

constexpr std::string_view kOutcomeCodes[] = {"done", "no-such-server"};

bool authorized(std::optional<std::string_view> header, const config::Stats& settings) {
  if (settings.auth.empty()) return true;
  if (!header) return false;
  const auto credentials = http::parse_basic_authorization(*header);
  if (!credentials) return false;
  bool match = false;
  // Every entry is compared, so the time taken does not tell which user exists.
  for (const auto& a : settings.auth) {
    const bool user = http::constant_time_equals(a.user, credentials->user);
    const bool password = http::constant_time_equals(a.password, credentials->password);
    match = match || (user && password);
  }
  return match;
}

Response unauthorized(const config::Stats& settings) {
  auto r = text_response(401, "authentication required");
  // A backslash in the realm (HAProxy keeps `XingCloud\Haproxy` as written) is
  // sent as a quoted-pair, so the browser shows it as configured.
  std::string realm;
  for (const char c : settings.realm) realm += c == '\\' ? std::string("\\\\") : std::string(1, c);
  r.with("WWW-Authenticate", fmt::format("Basic realm=\"{}\", charset=\"UTF-8\"", realm));
  return r;
}

Response method_not_allowed(std::string_view allowed) {
  auto r = text_response(405, "method not allowed");
  r.with("Allow", std::string(allowed));
  return r;
}

bool is_read(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

std::string notice_for(std::string_view query) {
  const auto fields = http::parse_form(query);
  if (!fields) return {};
  const auto result = http::form_value(*fields, "result");
  if (result == kOutcomeCodes[0]) return "Done.";
  if (result == kOutcomeCodes[1]) return "No such server (was the configuration reloaded?).";
  return {};
}

// A browser says where a form was posted from; anything but this very host
// is a cross-site request (CSRF), and so is Origin "null".
bool same_origin(const http::Request& request) {
  if (const auto site = request.header("sec-fetch-site"); site && *site != "same-origin" && *site != "none") {
    return false;
  }
  const auto origin = request.header("origin");
  if (!origin) return true;  // not a browser, or an old one: the token decides
  const auto host = request.header("host");
  auto without_scheme = *origin;
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (without_scheme.starts_with(scheme)) without_scheme.remove_prefix(scheme.size());
  }
  return host && without_scheme != *origin && common::text::iequals(without_scheme, *host);
}

StatsRoute route_post(const http::Request& request, std::string_view body, const config::Stats& settings,
                      std::string_view csrf_token) {
  if (!settings.admin) return text_response(403, "admin actions are disabled ([stats] admin = false)");
  const auto type = request.header("content-type");
  if (!type || !common::text::starts_with_icase(*type, "application/x-www-form-urlencoded")) {
    return text_response(415, "expected an HTML form (application/x-www-form-urlencoded)");
  }
  if (!same_origin(request)) return text_response(403, "cross-site request refused");
  const auto fields = http::parse_form(body);
  if (!fields) return text_response(400, "malformed form");
  const auto token = http::form_value(*fields, "token");
  if (!token || !http::constant_time_equals(*token, csrf_token)) {
    return text_response(403, "stale or missing form token: reload the page and retry");
  }
  const auto backend = http::form_value(*fields, "b");
  const auto server = http::form_value(*fields, "s");
  const auto action = http::form_value(*fields, "action");
  if (!backend || !server || !action) return text_response(400, "the form needs b, s and action");
  const auto parsed = parse_admin_command(fmt::format("set server {}/{} state {}", *backend, *server, *action));
  if (!parsed || !std::holds_alternative<SetServerState>(*parsed)) {
    return text_response(400, parsed ? "bad action" : parsed.error().message);
  }
  return ApplyAction{std::get<SetServerState>(*parsed)};
}

}  // namespace

StatsRoute route_stats_request(const http::Request& request, std::string_view body, const config::Stats& settings,
                               std::string_view csrf_token) {
  const auto path = request.path();
  if (path == settings.health_uri) {
    if (!is_read(request)) return method_not_allowed("GET, HEAD");
    return ServeHealth{};
  }
  const bool page = path == settings.uri;
  const bool csv = path == settings.uri + ";csv";
  const bool json = path == settings.uri + ";json";
  const bool metrics = path == settings.prometheus_uri;
  if (!page && !csv && !json && !metrics) return text_response(404, "not found");
  if (!authorized(request.header("authorization"), settings)) return unauthorized(settings);
  if (page && request.method == "POST") return route_post(request, body, settings, csrf_token);
  if (!is_read(request)) return method_not_allowed(page ? "GET, HEAD, POST" : "GET, HEAD");
  if (metrics) return ServeMetrics{};
  if (csv) return ServePage{PageFormat::Csv, {}};
  if (json) return ServePage{PageFormat::Json, {}};
  return ServePage{PageFormat::Html, notice_for(request.query())};
}

std::optional<StatsRoute> route_inline_stats(std::string_view method, std::string_view target,
                                             std::optional<std::string_view> authorization,
                                             const config::Stats& settings) {
  if (!target.starts_with(settings.uri)) return std::nullopt;
  if (!authorized(authorization, settings)) return unauthorized(settings);
  if (method != "GET" && method != "HEAD") return method_not_allowed("GET, HEAD");
  const auto rest = target.substr(settings.uri.size());
  if (rest.find(";csv") != std::string_view::npos) return ServePage{PageFormat::Csv, {}};
  if (rest.find(";json") != std::string_view::npos) return ServePage{PageFormat::Json, {}};
  return ServePage{PageFormat::Html, {}};
}

Response action_redirect(const config::Stats& settings, ActionOutcome outcome) {
  const auto code = kOutcomeCodes[outcome == ActionOutcome::Done ? 0 : 1];
  Response r{303, {}, {}};
  r.with("Location", fmt::format("{}?result={}", settings.uri, code)).with("Cache-Control", "no-store");
  return r;
}

Response page_response(PageFormat format, std::string body) {
  Response r{200, {}, std::move(body)};
  switch (format) {
    case PageFormat::Html:
      r.with("Content-Type", "text/html; charset=utf-8")
          .with("Content-Security-Policy", std::string(kPagePolicy))
          .with("X-Frame-Options", "DENY")
          .with("Referrer-Policy", "same-origin");
      break;
    case PageFormat::Csv:
      r.with("Content-Type", "text/csv; charset=utf-8");
      break;
    case PageFormat::Json:
      r.with("Content-Type", "application/json");
      break;
  }
  r.with("Cache-Control", "no-store").with("X-Content-Type-Options", "nosniff");
  return r;
}

Response metrics_response(std::string body) {
  Response r{200, {}, std::move(body)};
  r.with("Content-Type", std::string(kPrometheusContentType)).with("Cache-Control", "no-store");
  return r;
}

Response health_response(const HealthVerdict& verdict) {
  return text_response(verdict.healthy ? 200 : 503, verdict.reason);
}

}  // namespace proxyd::stats
