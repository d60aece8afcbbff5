#include "proxyd/core/stats/cli_render.h"

#include <fmt/format.h>

#include <iterator>

#include "proxyd/core/stats/health_verdict.h"

namespace proxyd::stats {
namespace {

std::int64_t whole_seconds(common::Duration d) {
  return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

// HAProxy's "0d 1h02m03s".
std::string long_uptime(common::Duration d) {
  const auto s = whole_seconds(d);
  return fmt::format("{}d {}h{:02}m{:02}s", s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
}

// HAProxy's srv_admin_state bits: 0x01 forced maintenance, 0x08 forced
// drain, 0x20 resolution maintenance.
int admin_flags(AdminState state, bool resolved) {
  const int resolution = resolved ? 0 : 0x20;
  switch (state) {
    case AdminState::Ready:
      return resolution;
    case AdminState::Maint:
      return 0x01 | resolution;
    case AdminState::Drain:
      return 0x08 | resolution;
  }
  return resolution;
}

}  // namespace

std::string render_info(const StatsSnapshot& snapshot) {
  const auto& p = snapshot.process;
  const auto health = evaluate_health(snapshot);
  return fmt::format(
      "Name: proxyd\nVersion: {}\nPid: {}\nUptime: {}\nUptime_sec: {}\nNbthread: {}\nMaxconn: {}\nCurrConns: {}\n"
      "Generation: {}\nStopping: {}\nHealthy: {}\nHealth: {}\n",
      p.version, p.pid, long_uptime(p.uptime), whole_seconds(p.uptime), p.threads, p.maxconn, p.current_connections,
      p.generation, p.stopping ? 1 : 0, health.healthy ? 1 : 0, health.reason);
}

std::string render_servers_state(const StatsSnapshot& snapshot, std::string_view backend) {
  std::string out =
      "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
      "srv_time_since_last_change srv_check_status srv_check_health srv_port srv_fqdn srv_addr_source\n";
  auto it = std::back_inserter(out);
  for (std::size_t b = 0; b < snapshot.backends.size(); ++b) {
    const auto& be = snapshot.backends[b];
    if (!backend.empty() && be.name != backend) continue;
    for (std::size_t i = 0; i < be.servers.size(); ++i) {
      const auto& s = be.servers[i];
      const auto status = s.check.last ? check_status_code(s.check.last->status) : std::string_view("-");
      fmt::format_to(it, "{} {} {} {} {} {} {} {} {} {} {} {} {} {} {}\n", b + 1, be.name, i + 1, s.name,
                     s.address.is_unix() ? s.address.to_string() : s.address.address.to_string(), s.up ? 2 : 0,
                     admin_flags(s.admin, s.resolved), s.weight, s.configured_weight, whole_seconds(s.since_change),
                     status, s.check_health(), s.address.port, s.host.empty() ? "-" : s.host, s.address_source);
    }
  }
  return out;
}

std::string render_sessions(const StatsSnapshot& snapshot) {
  const auto& p = snapshot.process;
  std::size_t total = 0;
  std::string workers;
  for (std::size_t i = 0; i < p.worker_sessions.size(); ++i) {
    total += p.worker_sessions[i];
    workers += fmt::format("{}worker {}: {}", i == 0 ? "" : ", ", i, p.worker_sessions[i]);
  }
  std::string out = fmt::format("sessions: {} ({})\n", total, workers);
  auto it = std::back_inserter(out);
  for (const auto& f : snapshot.frontends) {
    fmt::format_to(it, "frontend {}: {} current, {} total\n", f.name, f.current_sessions, f.counters.sessions);
  }
  for (const auto& b : snapshot.backends) {
    fmt::format_to(it, "backend {}: {} current, {} queued\n", b.name, b.current_sessions, b.queue_current);
    for (const auto& s : b.servers) {
      fmt::format_to(it, "  server {}/{}: {} current ({}, admin {})\n", b.name, s.name, s.current_sessions,
                     s.status_text(), admin_state_name(s.admin));
    }
  }
  return out;
}

}  // namespace proxyd::stats
