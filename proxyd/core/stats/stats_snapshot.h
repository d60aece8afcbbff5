// What the stats page, the metrics and the runtime API show: a plain-value
// picture of the running proxy at one instant. The io side fills it from the
// generation's counters on the control thread; every renderer is a pure
// function of it, so each output is tested without a running proxy.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/time.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/health/health_check.h"
#include "proxyd/core/stats/histogram.h"

namespace proxyd::stats {

// The operator's word on a server (runtime API, stats page, `disabled`).
enum class AdminState : std::uint8_t {
  Ready,  // in the rotation when healthy
  Drain,  // no new connections; existing ones finish; still checked
  Maint,  // no new connections and not checked
};

// "READY", "DRAIN", "MAINT".
std::string_view admin_state_name(AdminState state);

// A server's status column, in HAProxy's words.
enum class ServerStatus { Up, Down, Drain, Maint, NoCheck };

// "UP", "DOWN", "DRAIN", "MAINT", "no check".
std::string_view status_name(ServerStatus status);

// HAProxy's short check status: "L4OK", "L4TOUT", "L4CON", "SOCKERR".
std::string_view check_status_code(health::CheckStatus status);

std::string_view mode_name(config::Mode mode);
std::string_view balance_name(config::Balance balance);

// Response status classes: 1xx to 5xx, then any other.
inline constexpr std::size_t kHttpClasses = 6;

// Monotonic counters of a frontend, backend or server.
struct Counters {
  std::uint64_t sessions = 0;
  std::uint64_t bytes_in = 0;   // from clients
  std::uint64_t bytes_out = 0;  // to clients
  std::uint64_t request_errors = 0;
  std::uint64_t connect_errors = 0;
  std::uint64_t response_errors = 0;
  std::uint64_t retries = 0;
  std::uint64_t redispatches = 0;
  std::array<std::uint64_t, kHttpClasses> http_responses{};  // all 0 until HTTP mode

  Counters& operator+=(const Counters& other);
};

struct CheckSnapshot {
  bool enabled = false;                              // the server is health-checked
  std::optional<health::CheckResult> last;           // nullopt before the first check
  std::optional<common::Duration> since_last_check;  // nullopt before the first check
  std::uint32_t rise = 0;
  std::uint32_t fall = 0;
  std::uint32_t consecutive_successes = 0;
  std::uint32_t consecutive_failures = 0;
  std::uint64_t failed_checks = 0;  // HAProxy chkfail
  std::uint64_t downs = 0;          // HAProxy chkdown: UP to DOWN transitions
  Histogram durations;
};

struct ServerSnapshot {
  std::string name;
  common::net::Endpoint address;
  bool backup = false;
  bool up = true;  // passing checks (always, when not checked)
  AdminState admin = AdminState::Ready;
  std::uint32_t weight = 1;  // current (runtime API may change it)
  std::uint32_t configured_weight = 1;
  std::uint32_t current_sessions = 0;
  std::uint32_t max_sessions = 0;
  std::uint32_t session_limit = 0;  // maxconn; 0 = unlimited
  // A server named by host: its name, where its address came from
  // (config, libc, last, none, DNS, CLI) and whether it has one (false:
  // HAProxy's resolution maintenance, shown "MAINT (resolution)").
  std::string host;
  std::string address_source = "config";
  bool resolved = true;
  Counters counters;
  common::Duration since_change{0};  // last health or admin state change
  common::Duration downtime{0};      // total time DOWN
  CheckSnapshot check;

  ServerStatus status() const;
  // status_name(status()), plus HAProxy's progress while a check run is
  // under way: "UP 1/3" (failing, 1 of fall), "DOWN 1/2" (recovering).
  std::string status_text() const;
  // In the rotation: up, ready and weight > 0 (it may be full).
  bool in_service() const { return up && admin == AdminState::Ready && resolved && weight > 0; }
  // HAProxy's check_health: 0 to rise-1 while DOWN, rise to rise+fall-1 while UP.
  std::uint32_t check_health() const;
};

struct BackendSnapshot {
  std::string name;
  config::Mode mode = config::Mode::Tcp;
  config::Balance balance = config::Balance::RoundRobin;
  std::uint32_t current_sessions = 0;  // includes sessions queued or connecting
  std::uint32_t max_sessions = 0;      // since the last reload
  std::uint32_t queue_current = 0;
  std::uint32_t queue_max = 0;  // since the last reload
  std::vector<ServerSnapshot> servers;

  Counters totals() const;               // summed over its servers
  std::uint32_t active_servers() const;  // non-backup servers in service
  std::uint32_t backup_servers() const;  // backup servers in service
  bool in_service() const { return active_servers() + backup_servers() > 0; }
  std::uint32_t total_weight() const;  // of the servers in service
};

struct FrontendSnapshot {
  std::string name;
  config::Mode mode = config::Mode::Tcp;
  std::vector<std::string> binds;
  std::string backend;
  bool listening = true;
  std::uint32_t current_sessions = 0;
  std::uint32_t max_sessions = 0;   // since the last reload
  std::uint32_t session_limit = 0;  // maxconn; 0 = process limit only
  Counters counters;                // since the last reload
};

struct ProcessSnapshot {
  std::string version;
  std::int64_t pid = 0;
  common::Duration uptime{0};
  std::chrono::system_clock::time_point started_at;
  std::uint32_t threads = 1;
  std::uint32_t maxconn = 0;
  std::uint32_t current_connections = 0;
  std::uint64_t generation = 0;  // reload count
  bool stopping = false;
  std::vector<std::size_t> worker_sessions;  // by worker thread
};

struct StatsSnapshot {
  ProcessSnapshot process;
  std::vector<FrontendSnapshot> frontends;
  std::vector<BackendSnapshot> backends;

  const BackendSnapshot* find_backend(std::string_view name) const;
  const ServerSnapshot* find_server(std::string_view backend, std::string_view server) const;
};

// "45s", "3m12s", "2h05m", "4d03h": an age for humans, two units at most.
std::string format_age(common::Duration age);

}  // namespace proxyd::stats
