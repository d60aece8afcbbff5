#include "proxyd/core/stats/json_render.h"

#include <nlohmann/json.hpp>

namespace proxyd::stats {
namespace {

using nlohmann::json;

std::int64_t seconds(common::Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

json http_json(const Counters& c) {
  return {{"1xx", c.http_responses[0]}, {"2xx", c.http_responses[1]}, {"3xx", c.http_responses[2]},
          {"4xx", c.http_responses[3]}, {"5xx", c.http_responses[4]}, {"other", c.http_responses[5]}};
}

json sessions_json(std::uint32_t current, std::uint32_t max, std::uint32_t limit, std::uint64_t total) {
  json j{{"current", current}, {"max", max}, {"total", total}};
  j["limit"] = limit == 0 ? json(nullptr) : json(limit);
  return j;
}

// Errors and warnings, as counted on the server side.
void put_backend_side(json& j, const Counters& c) {
  j["bytes"] = {{"in", c.bytes_in}, {"out", c.bytes_out}};
  j["errors"] = {{"connect", c.connect_errors}, {"response", c.response_errors}};
  j["warnings"] = {{"retries", c.retries}, {"redispatches", c.redispatches}};
  j["http_responses"] = http_json(c);
}

json check_json(const ServerSnapshot& s) {
  const auto& c = s.check;
  json j{{"enabled", c.enabled}};
  if (!c.enabled) return j;
  j.update({{"rise", c.rise},
            {"fall", c.fall},
            {"health", s.check_health()},
            {"consecutive_successes", c.consecutive_successes},
            {"consecutive_failures", c.consecutive_failures},
            {"failed", c.failed_checks},
            {"downs", c.downs},
            {"count", c.durations.count()}});
  if (c.last) {
    j["status"] = check_status_code(c.last->status);
    j["description"] = health::describe(c.last->status);
    j["info"] = c.last->info;
    j["duration_ms"] = c.last->duration.count();
  }
  if (c.since_last_check) j["seconds_since"] = seconds(*c.since_last_check);
  return j;
}

json server_json(const ServerSnapshot& s) {
  json j{{"name", s.name},
         {"address", s.address.to_string()},
         {"backup", s.backup},
         {"status", s.status_text()},
         {"admin", admin_state_name(s.admin)},
         {"up", s.up},
         {"weight", s.weight},
         {"configured_weight", s.configured_weight},
         {"seconds_since_change", seconds(s.since_change)},
         {"downtime_seconds", seconds(s.downtime)},
         {"sessions", sessions_json(s.current_sessions, s.max_sessions, s.session_limit, s.counters.sessions)}};
  put_backend_side(j, s.counters);
  j["check"] = check_json(s);
  return j;
}

json backend_json(const BackendSnapshot& b) {
  const auto totals = b.totals();
  json j{{"name", b.name},
         {"mode", mode_name(b.mode)},
         {"balance", balance_name(b.balance)},
         {"status", b.in_service() ? "UP" : "DOWN"},
         {"active_servers", b.active_servers()},
         {"backup_servers", b.backup_servers()},
         {"weight", b.total_weight()},
         {"queue", {{"current", b.queue_current}, {"max", b.queue_max}}},
         {"sessions", sessions_json(b.current_sessions, b.max_sessions, 0, totals.sessions)}};
  put_backend_side(j, totals);
  j["servers"] = json::array();
  for (const auto& s : b.servers) j["servers"].push_back(server_json(s));
  return j;
}

json frontend_json(const FrontendSnapshot& f) {
  const auto& c = f.counters;
  return {{"name", f.name},
          {"mode", mode_name(f.mode)},
          {"status", f.listening ? "OPEN" : "STOP"},
          {"binds", f.binds},
          {"backend", f.backend},
          {"sessions", sessions_json(f.current_sessions, f.max_sessions, f.session_limit, c.sessions)},
          {"bytes", {{"in", c.bytes_in}, {"out", c.bytes_out}}},
          {"errors", {{"request", c.request_errors}}},
          {"http_responses", http_json(c)}};
}

}  // namespace

std::string render_json(const StatsSnapshot& snapshot) {
  const auto& p = snapshot.process;
  json doc;
  doc["process"] = {
      {"version", p.version},
      {"pid", p.pid},
      {"uptime_seconds", seconds(p.uptime)},
      {"started_at", std::chrono::duration_cast<std::chrono::seconds>(p.started_at.time_since_epoch()).count()},
      {"threads", p.threads},
      {"maxconn", p.maxconn},
      {"current_connections", p.current_connections},
      {"generation", p.generation},
      {"stopping", p.stopping},
      {"worker_sessions", p.worker_sessions}};
  doc["frontends"] = json::array();
  for (const auto& f : snapshot.frontends) doc["frontends"].push_back(frontend_json(f));
  doc["backends"] = json::array();
  for (const auto& b : snapshot.backends) doc["backends"].push_back(backend_json(b));
  // Names come from the configuration, which does not promise UTF-8.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace proxyd::stats
