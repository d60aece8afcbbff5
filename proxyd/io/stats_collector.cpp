#include "proxyd/io/stats_collector.h"

namespace proxyd::io {
namespace {

using std::memory_order_relaxed;

common::Duration since(common::TimePoint then, common::TimePoint now) {
  return std::chrono::duration_cast<common::Duration>(now - then);
}

stats::Counters server_counters(const ServerLive& live) {
  const auto& c = live.counters;
  stats::Counters out;
  out.sessions = c.sum(ServerCounter::Sessions);
  out.bytes_in = c.sum(ServerCounter::BytesIn);
  out.bytes_out = c.sum(ServerCounter::BytesOut);
  out.connect_errors = c.sum(ServerCounter::ConnectErrors);
  out.response_errors = c.sum(ServerCounter::ResponseErrors);
  out.retries = c.sum(ServerCounter::Retries);
  out.redispatches = c.sum(ServerCounter::Redispatches);
  for (std::size_t i = 0; i < stats::kHttpClasses; ++i) {
    out.http_responses[i] = c.sum(static_cast<ServerCounter>(static_cast<std::size_t>(ServerCounter::Http1xx) + i));
  }
  return out;
}

stats::CheckSnapshot check_snapshot(const BackendShared& backend, const ServerShared& server, common::TimePoint now) {
  const auto& settings = backend.config.settings;
  const auto& history = server.live->history;
  stats::CheckSnapshot check;
  check.enabled = settings.check != config::CheckKind::None && server.config.checked;
  check.rise = settings.rise;
  check.fall = settings.fall;
  check.last = history.last_check;
  if (history.last_check) check.since_last_check = since(history.last_check_at, now);
  check.consecutive_successes = history.consecutive_successes;
  check.consecutive_failures = history.consecutive_failures;
  check.failed_checks = history.failed_checks;
  check.downs = history.downs;
  check.durations = history.check_durations;
  return check;
}

stats::ServerSnapshot server_snapshot(const BackendShared& backend, const ServerShared& server, common::TimePoint now) {
  const auto& live = *server.live;
  stats::ServerSnapshot s;
  s.name = server.config.name;
  s.address = server.live->address();
  s.host = server.config.host;
  s.address_source = live.address_source;
  s.resolved = live.resolved.load(memory_order_relaxed);
  s.backup = server.config.backup;
  s.up = live.up.load(memory_order_relaxed);
  s.admin = live.admin.load(memory_order_relaxed);
  s.weight = live.weight.load(memory_order_relaxed);
  s.configured_weight = server.config.weight;
  s.current_sessions = live.active.load(memory_order_relaxed);
  s.max_sessions = live.active_max.load(memory_order_relaxed);
  s.session_limit = live.maxconn.load(memory_order_relaxed);
  s.counters = server_counters(live);
  s.since_change = since(live.history.last_change, now);
  s.downtime = live.history.total_downtime(now);
  s.check = check_snapshot(backend, server, now);
  return s;
}

stats::BackendSnapshot backend_snapshot(const BackendShared& backend, common::TimePoint now) {
  stats::BackendSnapshot b;
  b.name = backend.config.name;
  b.mode = backend.config.settings.mode;
  b.balance = backend.config.settings.balance;
  b.current_sessions = backend.active.load(memory_order_relaxed);
  b.max_sessions = backend.active_max.load(memory_order_relaxed);
  b.queue_current = backend.queued.load(memory_order_relaxed);
  b.queue_max = backend.queued_max.load(memory_order_relaxed);
  for (const auto& s : backend.servers) b.servers.push_back(server_snapshot(backend, *s, now));
  return b;
}

stats::FrontendSnapshot frontend_snapshot(const FrontendShared& frontend, bool listening) {
  stats::FrontendSnapshot f;
  f.name = frontend.config.name;
  f.mode = frontend.config.settings.mode;
  for (const auto& b : frontend.config.binds) f.binds.push_back(b.address.to_string());
  f.backend = frontend.config.backend;
  f.listening = listening;
  f.current_sessions = frontend.active.load(memory_order_relaxed);
  f.max_sessions = frontend.active_max.load(memory_order_relaxed);
  f.session_limit = frontend.config.settings.maxconn;
  const auto& c = frontend.counters;
  f.counters.sessions = c.sum(FrontendCounter::Sessions);
  f.counters.bytes_in = c.sum(FrontendCounter::BytesIn);
  f.counters.bytes_out = c.sum(FrontendCounter::BytesOut);
  f.counters.request_errors = c.sum(FrontendCounter::RequestErrors);
  for (std::size_t i = 0; i < stats::kHttpClasses; ++i) {
    f.counters.http_responses[i] =
        c.sum(static_cast<FrontendCounter>(static_cast<std::size_t>(FrontendCounter::Http1xx) + i));
  }
  return f;
}

}  // namespace

stats::StatsSnapshot collect_stats(const Generation& generation, const ProcessState& process, common::TimePoint now) {
  stats::StatsSnapshot snapshot;
  auto& p = snapshot.process;
  p.version = process.version;
  p.pid = process.pid;
  p.uptime = since(process.started, now);
  p.started_at = process.started_at;
  p.threads = process.threads;
  p.maxconn = process.maxconn;
  p.current_connections = process.connections;
  p.generation = generation.id;
  p.stopping = process.stopping;
  p.worker_sessions = process.worker_sessions;
  for (const auto& f : generation.frontends) snapshot.frontends.push_back(frontend_snapshot(*f, !process.stopping));
  for (const auto& b : generation.backends) snapshot.backends.push_back(backend_snapshot(*b, now));
  return snapshot;
}

}  // namespace proxyd::io
