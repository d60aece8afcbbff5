#include "proxyd/core/stats/stats_snapshot.h"

#include <catch2/catch.hpp>

#include "proxyd/core/stats/health_verdict.h"
#include "unit/proxyd/stats/sample_snapshot.h"

using namespace proxyd::stats;
using namespace std::chrono_literals;

TEST_CASE("server status: MAINT wins, then DOWN, then DRAIN; unchecked servers say 'no check'", "[proxyd][stats]") {
  auto s = testing::sample_server("a", "10.0.0.1:80");
  CHECK(s.status() == ServerStatus::Up);
  s.admin = AdminState::Drain;
  CHECK(s.status() == ServerStatus::Drain);
  s.up = false;
  CHECK(s.status() == ServerStatus::Down);
  s.admin = AdminState::Maint;
  CHECK(s.status() == ServerStatus::Maint);
  CHECK(status_name(s.status()) == "MAINT");
  s.admin = AdminState::Ready;
  s.up = true;
  s.check.enabled = false;
  CHECK(s.status_text() == "no check");
}

TEST_CASE("status text shows a check run under way, HAProxy style", "[proxyd][stats]") {
  auto s = testing::sample_server("a", "10.0.0.1:80");
  s.check.consecutive_failures = 1;
  CHECK(s.status_text() == "UP 1/3");
  CHECK(s.check_health() == 3);  // rise + fall - 1 - 1
  s.check.consecutive_failures = 0;
  CHECK(s.check_health() == 4);
  s.up = false;
  s.check.consecutive_successes = 1;
  CHECK(s.status_text() == "DOWN 1/2");
  CHECK(s.check_health() == 1);
}

TEST_CASE("a server is in service when up, ready and weighted", "[proxyd][stats]") {
  auto s = testing::sample_server("a", "10.0.0.1:80");
  CHECK(s.in_service());
  s.weight = 0;
  CHECK_FALSE(s.in_service());
  s.weight = 1;
  s.admin = AdminState::Drain;
  CHECK_FALSE(s.in_service());
}

TEST_CASE("backend totals add up its servers", "[proxyd][stats]") {
  const auto snap = testing::sample_snapshot();
  const auto& b = snap.backends[0];
  const auto t = b.totals();
  CHECK(t.sessions == 1234);
  CHECK(t.bytes_out == 900000);
  CHECK(t.connect_errors == 6);
  CHECK(t.response_errors == 2);
  CHECK(b.active_servers() == 1);  // web2 down
  CHECK(b.backup_servers() == 0);  // sorry drained
  CHECK(b.total_weight() == 3);
  CHECK(snap.find_server("app", "web2")->up == false);
  CHECK_FALSE(snap.find_server("app", "nope"));
  CHECK_FALSE(snap.find_server("nope", "web1"));
}

TEST_CASE("ages read with two units at most", "[proxyd][stats]") {
  CHECK(format_age(0ms) == "0s");
  CHECK(format_age(45s) == "45s");
  CHECK(format_age(192s) == "3m12s");
  CHECK(format_age(7500s) == "2h05m");
  CHECK(format_age(356400s) == "4d03h");
  CHECK(format_age(-5s) == "0s");
}

TEST_CASE("health: ok while every used backend has a server in service", "[proxyd][stats]") {
  auto snap = testing::sample_snapshot();
  auto v = evaluate_health(snap);
  CHECK(v.healthy);
  CHECK(v.reason == "ok");
  snap.backends[0].servers[0].admin = AdminState::Maint;  // web1; web2 down; sorry drained
  v = evaluate_health(snap);
  CHECK_FALSE(v.healthy);
  CHECK(v.reason == "backend app has no usable server");
  snap.backends[0].servers[2].admin = AdminState::Ready;  // the backup serves
  CHECK(evaluate_health(snap).healthy);
}

TEST_CASE("health: stopping or a closed listener fails it, with every reason", "[proxyd][stats]") {
  auto snap = testing::sample_snapshot();
  snap.process.stopping = true;
  snap.frontends[0].listening = false;
  const auto v = evaluate_health(snap);
  CHECK_FALSE(v.healthy);
  CHECK(v.reason == "stopping; frontend www is not listening");
}

TEST_CASE("health: a backend nobody uses does not count; a missing one does", "[proxyd][stats]") {
  auto snap = testing::sample_snapshot();
  BackendSnapshot idle;
  idle.name = "idle";
  snap.backends.push_back(idle);
  CHECK(evaluate_health(snap).healthy);
  snap.frontends[0].backend = "ghost";
  CHECK(evaluate_health(snap).reason == "backend ghost has no usable server");
}
