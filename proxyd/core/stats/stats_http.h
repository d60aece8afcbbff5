// How the stats listener answers a request, minus the I/O: which resource
// it names, HTTP Basic authentication, the method rules, and the guards on
// admin actions (POST only, same-origin, the page's anti-CSRF token). The
// io side then renders the resource, or applies the action and redirects
// back to the page (POST/redirect/GET).
//
// Paths (from [stats]): <uri> HTML page (POST: an admin action),
// <uri>;csv and <uri>;json, <prometheus_uri>, all behind `auth` when set;
// <health_uri>, never behind auth (vrrpd polls it). Anything else is 404.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/http/request_parser.h"
#include "proxyd/core/http/response.h"
#include "proxyd/core/stats/admin_command.h"
#include "proxyd/core/stats/health_verdict.h"

namespace proxyd::stats {

enum class PageFormat { Html, Csv, Json };

struct ServePage {
  PageFormat format = PageFormat::Html;
  std::string notice;  // outcome of the action that redirected here, or empty
};
struct ServeMetrics {};
struct ServeHealth {};
struct ApplyAction {
  SetServerState command;
};

// What to do with a request; a Response is an answer ready to send (401,
// 403, 404, 405, 415, 400...).
using StatsRoute = std::variant<ServePage, ServeMetrics, ServeHealth, ApplyAction, http::Response>;

StatsRoute route_stats_request(const http::Request& request, std::string_view body, const config::Stats& settings,
                               std::string_view csrf_token);

// The page served inside a proxy (ProxySettings::stats, HAProxy's `stats
// uri` in a frontend, backend or defaults): nullopt unless <target> begins
// with settings.uri (HAProxy compares the target's start, query included).
// Then the page, read-only (";csv" or ";json" after the prefix picks the
// format, as HAProxy), or a 401 or 405 answer.
std::optional<StatsRoute> route_inline_stats(std::string_view method, std::string_view target,
                                             std::optional<std::string_view> authorization,
                                             const config::Stats& settings);

enum class ActionOutcome { Done, NoSuchServer };

// 303 back to the page, the outcome in its query.
http::Response action_redirect(const config::Stats& settings, ActionOutcome outcome);

http::Response page_response(PageFormat format, std::string body);
http::Response metrics_response(std::string body);
// 200 "ok", or 503 with the reason.
http::Response health_response(const HealthVerdict& verdict);

}  // namespace proxyd::stats
