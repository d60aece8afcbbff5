#include "proxyd/core/stats/html_render.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "common/core/text.h"

namespace proxyd::stats {
namespace {

constexpr std::string_view kStyle = R"(
body{font:13px/1.4 system-ui,sans-serif;margin:0;padding:8px;color:#222;background:#fafafa}
h1{font-size:18px;margin:4px 0}h2{font-size:15px;margin:16px 0 4px}
dl{display:flex;flex-wrap:wrap;gap:2px 16px;margin:4px 0}dt{font-weight:600}dd{margin:0 8px 0 0}
.scroll{overflow-x:auto;width:fit-content;max-width:100%;border:1px solid #ccc;background:#fff}
table{border-collapse:collapse;white-space:nowrap;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}th{background:#eee;text-align:center}
td.name,td.text{text-align:left}tfoot td{font-weight:600;background:#f0f0f0}
td.name{position:sticky;left:0;background:#fff}tfoot td.name{background:#f0f0f0}
tr.up td.status,tr.open td.status{background:#c8f0c8}tr.down td.status,tr.stop td.status{background:#f4b4b4}
tr.drain td.status{background:#b4d4f4}tr.maint td.status{background:#d8c8a8}tr.nocheck td.status{background:#e4f4e4}
.notice{padding:6px;background:#ffe;border:1px solid #cc9;margin:8px 0}
form.act{display:inline;margin:0}form.act button{font-size:12px;padding:1px 6px}
)";

std::string num(std::uint64_t v) {
  return std::to_string(v);
}

void cell(std::string& out, std::string_view text, std::string_view cls = {}) {
  if (cls.empty()) {
    fmt::format_to(std::back_inserter(out), "<td>{}</td>", html_escape(text));
  } else {
    fmt::format_to(std::back_inserter(out), "<td class=\"{}\">{}</td>", cls, html_escape(text));
  }
}

void num_cell(std::string& out, std::uint64_t v) {
  cell(out, num(v));
}

std::string css_class(ServerStatus status) {
  switch (status) {
    case ServerStatus::Up:
      return "up";
    case ServerStatus::Down:
      return "down";
    case ServerStatus::Drain:
      return "drain";
    case ServerStatus::Maint:
      return "maint";
    case ServerStatus::NoCheck:
      return "nocheck";
  }
  return "";
}

void process_section(std::string& out, const ProcessSnapshot& p, const HtmlOptions& options) {
  auto it = std::back_inserter(out);
  out += "<section id=\"process\"><dl>";
  if (!options.node.empty()) fmt::format_to(it, "<dt>node</dt><dd>{}</dd>", html_escape(options.node));
  const std::pair<std::string_view, std::string> items[] = {
      {"version", options.hide_version ? std::string() : p.version},
      {"pid", std::to_string(p.pid)},
      {"uptime", format_age(p.uptime)},
      {"threads", num(p.threads)},
      {"maxconn", num(p.maxconn)},
      {"current conns", num(p.current_connections)},
      {"generation", num(p.generation)},
      {"state", p.stopping ? "stopping" : "running"},
  };
  for (const auto& [name, value] : items) {
    if (name == "version" && options.hide_version) continue;
    fmt::format_to(it, "<dt>{}</dt><dd>{}</dd>", name, html_escape(value));
  }
  out += "</dl></section>\n";
}

void legends_section(std::string& out) {
  out +=
      "<section id=\"legends\"><h2>Legends</h2><dl>"
      "<dt>UP</dt><dd>passes its checks, takes traffic</dd>"
      "<dt>DOWN</dt><dd>fails its checks, takes no traffic</dd>"
      "<dt>DRAIN</dt><dd>set to drain: finishes its connections, takes no new ones</dd>"
      "<dt>MAINT</dt><dd>in maintenance: no traffic, no checks</dd>"
      "<dt>no check</dt><dd>not checked, taken as up</dd>"
      "</dl></section>\n";
}

void http_cells(std::string& out, const Counters& c) {
  for (const auto v : c.http_responses) num_cell(out, v);
}

void frontend_table(std::string& out, const FrontendSnapshot& f) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<h2>frontend {}</h2>\n<div class=\"scroll\"><table class=\"proxy frontend\" id=\"frontend-{}\">",
                 html_escape(f.name), html_escape(f.name));
  out +=
      "<thead><tr><th rowspan=\"2\">Name</th><th rowspan=\"2\">Status</th><th colspan=\"4\">Sessions</th>"
      "<th colspan=\"2\">Bytes</th><th>Errors</th><th colspan=\"6\">HTTP responses</th>"
      "<th rowspan=\"2\">Binds</th><th rowspan=\"2\">Backend</th></tr>"
      "<tr><th>Cur</th><th>Max</th><th>Limit</th><th>Total</th><th>In</th><th>Out</th><th>Req</th>"
      "<th>1xx</th><th>2xx</th><th>3xx</th><th>4xx</th><th>5xx</th><th>other</th></tr></thead><tbody>";
  fmt::format_to(it, "<tr class=\"frontend {}\" data-proxy=\"{}\">", f.listening ? "open" : "stop",
                 html_escape(f.name));
  cell(out, "Frontend", "name");
  cell(out, f.listening ? "OPEN" : "STOP", "status");
  num_cell(out, f.current_sessions);
  num_cell(out, f.max_sessions);
  cell(out, f.session_limit == 0 ? "-" : num(f.session_limit));
  num_cell(out, f.counters.sessions);
  num_cell(out, f.counters.bytes_in);
  num_cell(out, f.counters.bytes_out);
  num_cell(out, f.counters.request_errors);
  http_cells(out, f.counters);
  std::string binds;
  for (const auto& b : f.binds) binds += (binds.empty() ? "" : " ") + b;
  cell(out, binds, "text");
  cell(out, f.backend, "text");
  out += "</tr></tbody></table></div>\n";
}

std::string last_check_text(const CheckSnapshot& check) {
  if (!check.enabled) return "-";
  if (!check.last) return "pending";
  return fmt::format("{} in {}ms", check_status_code(check.last->status), check.last->duration.count());
}

std::string last_check_title(const CheckSnapshot& check) {
  if (!check.last) return {};
  std::string title(health::describe(check.last->status));
  if (!check.last->info.empty()) title += ": " + check.last->info;
  if (check.since_last_check) title += ", " + format_age(*check.since_last_check) + " ago";
  return title;
}

void admin_form(std::string& out, const BackendSnapshot& b, const ServerSnapshot& s, const HtmlOptions& options) {
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<td class=\"text\"><form class=\"act\" method=\"post\" action=\"{}\">"
                 "<input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"hidden\" name=\"b\" value=\"{}\">"
                 "<input type=\"hidden\" name=\"s\" value=\"{}\">",
                 html_escape(options.uri), html_escape(options.csrf_token), html_escape(b.name), html_escape(s.name));
  for (const auto state : {AdminState::Ready, AdminState::Drain, AdminState::Maint}) {
    const auto lower = common::text::to_lower(admin_state_name(state));
    fmt::format_to(it, "<button name=\"action\" value=\"{0}\"{1}>{0}</button>", lower,
                   s.admin == state ? " disabled" : "");
  }
  out += "</form></td>";
}

void server_row(std::string& out, const BackendSnapshot& b, const ServerSnapshot& s, const HtmlOptions& options) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<tr class=\"server {}\" data-backend=\"{}\" data-server=\"{}\">", css_class(s.status()),
                 html_escape(b.name), html_escape(s.name));
  cell(out, s.backup ? s.name + " (backup)" : s.name, "name");
  cell(out, s.status_text(), "status");
  cell(out, format_age(s.since_change));
  fmt::format_to(it, "<td class=\"text\" title=\"{}\">{}</td>", html_escape(last_check_title(s.check)),
                 html_escape(last_check_text(s.check)));
  cell(out, s.weight == s.configured_weight ? num(s.weight) : fmt::format("{} ({})", s.weight, s.configured_weight));
  num_cell(out, 0);  // queue: per backend
  num_cell(out, s.current_sessions);
  num_cell(out, s.max_sessions);
  cell(out, s.session_limit == 0 ? "-" : num(s.session_limit));
  num_cell(out, s.counters.sessions);
  num_cell(out, s.counters.bytes_in);
  num_cell(out, s.counters.bytes_out);
  num_cell(out, s.counters.connect_errors);
  num_cell(out, s.counters.response_errors);
  num_cell(out, s.counters.retries);
  num_cell(out, s.counters.redispatches);
  http_cells(out, s.counters);
  if (s.check.enabled) {
    num_cell(out, s.check.failed_checks);
    num_cell(out, s.check.downs);
    fmt::format_to(it, "<td title=\"rise {}, fall {}; {} success(es), {} failure(s) in a row\">{}/{}</td>",
                   s.check.rise, s.check.fall, s.check.consecutive_successes, s.check.consecutive_failures,
                   s.check_health(), s.check.rise + s.check.fall - 1);
  } else {
    for (int i = 0; i < 3; ++i) cell(out, "-");
  }
  if (options.admin) admin_form(out, b, s, options);
  out += "</tr>\n";
}

void backend_totals(std::string& out, const BackendSnapshot& b, const HtmlOptions& options) {
  const auto t = b.totals();
  fmt::format_to(std::back_inserter(out), "<tfoot><tr class=\"backend {}\" data-proxy=\"{}\">",
                 b.in_service() ? "up" : "down", html_escape(b.name));
  cell(out, "Backend", "name");
  cell(out, b.in_service() ? "UP" : "DOWN", "status");
  cell(out, "");
  cell(out, fmt::format("{} active, {} backup", b.active_servers(), b.backup_servers()), "text");
  num_cell(out, b.total_weight());
  cell(out, fmt::format("{} / {}", b.queue_current, b.queue_max));
  num_cell(out, b.current_sessions);
  num_cell(out, b.max_sessions);
  cell(out, "-");
  for (const auto v :
       {t.sessions, t.bytes_in, t.bytes_out, t.connect_errors, t.response_errors, t.retries, t.redispatches}) {
    num_cell(out, v);
  }
  http_cells(out, t);
  for (int i = 0; i < 3; ++i) cell(out, "");
  if (options.admin) cell(out, "");
  out += "</tr></tfoot>";
}

void backend_table(std::string& out, const BackendSnapshot& b, const HtmlOptions& options) {
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<h2>backend {} <small>({}, {})</small></h2>\n<div class=\"scroll\"><table class=\"proxy backend\" "
                 "id=\"backend-{}\">",
                 html_escape(b.name), mode_name(b.mode), balance_name(b.balance), html_escape(b.name));
  out +=
      "<thead><tr><th rowspan=\"2\">Name</th><th colspan=\"3\">Server</th><th rowspan=\"2\">Weight</th>"
      "<th>Queue</th><th colspan=\"4\">Sessions</th><th colspan=\"2\">Bytes</th><th colspan=\"2\">Errors</th>"
      "<th colspan=\"2\">Warnings</th><th colspan=\"6\">HTTP responses</th><th colspan=\"3\">Checks</th>";
  if (options.admin) out += "<th rowspan=\"2\">Admin</th>";
  out +=
      "</tr><tr><th>Status</th><th>Since</th><th>Last check</th><th>Cur</th><th>Cur</th><th>Max</th>"
      "<th>Limit</th><th>Total</th><th>In</th><th>Out</th><th>Conn</th><th>Resp</th><th>Retr</th><th>Redis</th>"
      "<th>1xx</th><th>2xx</th><th>3xx</th><th>4xx</th><th>5xx</th><th>other</th><th>Fail</th><th>Down</th>"
      "<th>Health</th></tr></thead><tbody>\n";
  for (const auto& s : b.servers) server_row(out, b, s, options);
  out += "</tbody>";
  backend_totals(out, b, options);
  out += "</table></div>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string render_html(const StatsSnapshot& snapshot, const HtmlOptions& options) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  auto it = std::back_inserter(out);
  if (options.refresh && options.refresh->count() > 0) {
    // Back to the bare page: a refresh must not repeat the last notice.
    fmt::format_to(it, "<meta http-equiv=\"refresh\" content=\"{}; url={}\">",
                   std::max<std::int64_t>(1, options.refresh->count() / 1000), html_escape(options.uri));
  }
  fmt::format_to(it, "<title>proxyd statistics</title><style>{}</style></head>\n<body>\n", kStyle);
  if (options.node.empty()) {
    fmt::format_to(it, "<h1>proxyd statistics</h1>\n");
  } else {
    fmt::format_to(it, "<h1>proxyd statistics on {}</h1>\n", html_escape(options.node));
  }
  if (!options.notice.empty()) fmt::format_to(it, "<p class=\"notice\">{}</p>\n", html_escape(options.notice));
  process_section(out, snapshot.process, options);
  if (options.show_legends) legends_section(out);
  for (const auto& f : snapshot.frontends) frontend_table(out, f);
  for (const auto& b : snapshot.backends) backend_table(out, b, options);
  out += "</body></html>\n";
  return out;
}

}  // namespace proxyd::stats
