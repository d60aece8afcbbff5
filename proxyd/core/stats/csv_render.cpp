#include "proxyd/core/stats/csv_render.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace proxyd::stats {
namespace {

using Row = std::map<std::string_view, std::string>;

std::string num(std::uint64_t v) {
  return std::to_string(v);
}

std::string seconds(common::Duration d) {
  return num(static_cast<std::uint64_t>(std::max<std::int64_t>(0, d.count() / 1000)));
}

std::string limit(std::uint32_t v) {
  return v == 0 ? std::string() : num(v);
}

// The proxy ids (HAProxy iid): a frontend and a backend of the same name (a
// [listen] section) share one, numbered in configuration order from 1.
std::map<std::string, std::uint32_t, std::less<>> proxy_ids(const StatsSnapshot& snapshot) {
  std::map<std::string, std::uint32_t, std::less<>> ids;
  for (const auto& f : snapshot.frontends) ids.emplace(f.name, static_cast<std::uint32_t>(ids.size() + 1));
  for (const auto& b : snapshot.backends) ids.emplace(b.name, static_cast<std::uint32_t>(ids.size() + 1));
  return ids;
}

void put_counters(Row& row, const Counters& c) {
  row["stot"] = num(c.sessions);
  row["bin"] = num(c.bytes_in);
  row["bout"] = num(c.bytes_out);
  static constexpr std::string_view kHrsp[kHttpClasses] = {"hrsp_1xx", "hrsp_2xx", "hrsp_3xx",
                                                           "hrsp_4xx", "hrsp_5xx", "hrsp_other"};
  for (std::size_t i = 0; i < kHttpClasses; ++i) row[kHrsp[i]] = num(c.http_responses[i]);
}

void put_backend_side(Row& row, const Counters& c) {
  row["econ"] = num(c.connect_errors);
  row["eresp"] = num(c.response_errors);
  row["wretr"] = num(c.retries);
  row["wredis"] = num(c.redispatches);
  row["lbtot"] = num(c.sessions);
}

Row frontend_row(const FrontendSnapshot& f, std::uint32_t iid) {
  Row row{{"pxname", f.name}, {"svname", "FRONTEND"}, {"type", "0"}, {"pid", "1"}, {"iid", num(iid)}, {"sid", "0"}};
  row["scur"] = num(f.current_sessions);
  row["smax"] = num(f.max_sessions);
  row["slim"] = limit(f.session_limit);
  put_counters(row, f.counters);
  row["ereq"] = num(f.counters.request_errors);
  row["status"] = f.listening ? "OPEN" : "STOP";
  row["mode"] = mode_name(f.mode);
  return row;
}

void put_check(Row& row, const ServerSnapshot& s) {
  const auto& check = s.check;
  if (!check.enabled) return;
  row["chkfail"] = num(check.failed_checks);
  row["chkdown"] = num(check.downs);
  row["downtime"] = seconds(s.downtime);
  row["check_rise"] = num(check.rise);
  row["check_fall"] = num(check.fall);
  row["check_health"] = num(s.check_health());
  if (!check.last) return;
  row["check_status"] = check_status_code(check.last->status);
  row["check_duration"] = num(static_cast<std::uint64_t>(check.last->duration.count()));
  row["last_chk"] = check.last->info.empty() ? std::string(health::describe(check.last->status)) : check.last->info;
}

Row server_row(const BackendSnapshot& b, const ServerSnapshot& s, std::uint32_t iid, std::uint32_t sid) {
  Row row{{"pxname", b.name}, {"svname", s.name}, {"type", "2"}, {"pid", "1"}, {"iid", num(iid)}, {"sid", num(sid)}};
  row["qcur"] = "0";  // connections queue per backend, not per server
  row["qmax"] = "0";
  row["scur"] = num(s.current_sessions);
  row["smax"] = num(s.max_sessions);
  row["slim"] = limit(s.session_limit);
  put_counters(row, s.counters);
  put_backend_side(row, s.counters);
  row["status"] = s.status_text();
  row["weight"] = num(s.weight);
  row["act"] = s.backup ? "0" : "1";
  row["bck"] = s.backup ? "1" : "0";
  row["lastchg"] = seconds(s.since_change);
  put_check(row, s);
  row["addr"] = s.address.to_string();
  row["mode"] = mode_name(b.mode);
  return row;
}

Row backend_row(const BackendSnapshot& b, std::uint32_t iid) {
  Row row{{"pxname", b.name}, {"svname", "BACKEND"}, {"type", "1"}, {"pid", "1"}, {"iid", num(iid)}, {"sid", "0"}};
  const auto totals = b.totals();
  row["qcur"] = num(b.queue_current);
  row["qmax"] = num(b.queue_max);
  row["scur"] = num(b.current_sessions);
  row["smax"] = num(b.max_sessions);
  put_counters(row, totals);
  put_backend_side(row, totals);
  row["status"] = b.in_service() ? "UP" : "DOWN";
  row["weight"] = num(b.total_weight());
  row["act"] = num(b.active_servers());
  row["bck"] = num(b.backup_servers());
  row["mode"] = mode_name(b.mode);
  row["algo"] = balance_name(b.balance);
  return row;
}

void append(std::string& out, const Row& row) {
  const auto& columns = csv_columns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (const auto it = row.find(columns[i]); it != row.end()) out += csv_escape(it->second);
  }
  out.push_back('\n');
}

}  // namespace

const std::vector<std::string_view>& csv_columns() {
  static const std::vector<std::string_view> kColumns{
      "pxname",   "svname",   "qcur",     "qmax",       "scur",         "smax",           "slim",       "stot",
      "bin",      "bout",     "ereq",     "econ",       "eresp",        "wretr",          "wredis",     "status",
      "weight",   "act",      "bck",      "chkfail",    "chkdown",      "lastchg",        "downtime",   "pid",
      "iid",      "sid",      "lbtot",    "type",       "check_status", "check_duration", "hrsp_1xx",   "hrsp_2xx",
      "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other", "last_chk",     "check_rise",     "check_fall", "check_health",
      "addr",     "mode",     "algo"};
  return kColumns;
}

std::string csv_escape(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string render_csv(const StatsSnapshot& snapshot) {
  std::string out = "# ";
  const auto& columns = csv_columns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += columns[i];
  }
  out.push_back('\n');
  const auto ids = proxy_ids(snapshot);
  for (const auto& f : snapshot.frontends) append(out, frontend_row(f, ids.find(f.name)->second));
  for (const auto& b : snapshot.backends) {
    const auto iid = ids.find(b.name)->second;
    for (std::size_t i = 0; i < b.servers.size(); ++i) {
      append(out, server_row(b, b.servers[i], iid, static_cast<std::uint32_t>(i + 1)));
    }
    append(out, backend_row(b, iid));
  }
  return out;
}

}  // namespace proxyd::stats
