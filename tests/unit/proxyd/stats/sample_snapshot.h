// A small, fully known snapshot for the renderer tests: frontend "www"
// (bound twice) in front of backend "app" with web1 (UP, checked, traffic),
// web2 (DOWN, recovering 1/2) and sorry (backup, no check, DRAIN).
#pragma once

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats::testing {

inline ServerSnapshot sample_server(std::string name, std::string address) {
  ServerSnapshot s;
  s.name = std::move(name);
  s.address = *common::net::Endpoint::parse(address);
  s.check.enabled = true;
  s.check.rise = 2;
  s.check.fall = 3;
  return s;
}

inline StatsSnapshot sample_snapshot() {
  using namespace std::chrono_literals;
  StatsSnapshot snap;
  auto& p = snap.process;
  p.version = "1.2.3";
  p.pid = 4242;
  p.uptime = 3723s;
  p.started_at = std::chrono::system_clock::time_point(1'700'000'000s);
  p.threads = 2;
  p.maxconn = 20000;
  p.current_connections = 7;
  p.generation = 3;
  p.worker_sessions = {4, 3};

  FrontendSnapshot f;
  f.name = "www";
  f.binds = {"10.0.0.10:80", "[2001:db8::10]:80"};
  f.backend = "app";
  f.current_sessions = 7;
  f.max_sessions = 40;
  f.session_limit = 10000;
  f.counters.sessions = 1234;
  f.counters.bytes_in = 5000;
  f.counters.bytes_out = 900000;
  f.counters.request_errors = 2;
  snap.frontends.push_back(f);

  BackendSnapshot b;
  b.name = "app";
  b.balance = config::Balance::LeastConn;
  b.current_sessions = 7;
  b.max_sessions = 41;
  b.queue_current = 1;
  b.queue_max = 5;

  auto web1 = sample_server("web1", "10.0.0.21:80");
  web1.weight = 3;
  web1.configured_weight = 3;
  web1.current_sessions = 7;
  web1.max_sessions = 30;
  web1.session_limit = 5000;
  web1.counters.sessions = 1000;
  web1.counters.bytes_in = 4000;
  web1.counters.bytes_out = 800000;
  web1.counters.connect_errors = 1;
  web1.counters.retries = 1;
  web1.since_change = 125s;
  web1.check.last = health::CheckResult{health::CheckStatus::Layer4Ok, "", 1ms};
  web1.check.since_last_check = 1s;
  web1.check.durations.observe(1ms);
  web1.check.durations.observe(3ms);
  b.servers.push_back(web1);

  auto web2 = sample_server("web2", "10.0.0.22:80");
  web2.up = false;
  web2.counters.sessions = 234;
  web2.counters.bytes_in = 1000;
  web2.counters.bytes_out = 100000;
  web2.counters.connect_errors = 5;
  web2.counters.response_errors = 2;
  web2.counters.redispatches = 1;
  web2.since_change = 40s;
  web2.downtime = 40s;
  web2.check.last = health::CheckResult{health::CheckStatus::Layer4ConnectionProblem, "Connection refused", 0ms};
  web2.check.consecutive_successes = 1;
  web2.check.failed_checks = 9;
  web2.check.downs = 1;
  web2.check.durations.observe(0ms);
  b.servers.push_back(web2);

  ServerSnapshot sorry;
  sorry.name = "sorry";
  sorry.address = *common::net::Endpoint::parse("10.0.0.30:80");
  sorry.backup = true;
  sorry.admin = AdminState::Drain;
  b.servers.push_back(sorry);

  snap.backends.push_back(b);
  return snap;
}

}  // namespace proxyd::stats::testing
