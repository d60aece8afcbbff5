// A generation: one loaded configuration plus the state every worker thread
// shares for it (server health and admin state, connection counts,
// counters), all in relaxed atomics: no lock on the data path. Monotonic
// counters are per worker thread, summed when read (stats_counters.h). A
// reload builds a new generation; sessions keep the one they started with
// (through shared_ptr) and finish on it, while server state carries over by
// name.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/health/health_check.h"
#include "proxyd/core/http/error_pages.h"
#include "proxyd/core/log/log_format.h"
#include "proxyd/core/stats/histogram.h"
#include "proxyd/core/stats/stats_snapshot.h"
#include "proxyd/io/error_reports.h"
#include "proxyd/io/live_state.h"
#include "proxyd/io/stats_counters.h"

namespace proxyd::io {

class TlsServerContext;
class TlsClientContext;

using AdminState = stats::AdminState;

// Http1xx..HttpOther follow stats::kHttpClasses' order (1xx to 5xx, other).
enum class ServerCounter {
  Sessions,
  BytesIn,
  BytesOut,
  ConnectErrors,
  ResponseErrors,
  Retries,
  Redispatches,
  Http1xx,
  Http2xx,
  Http3xx,
  Http4xx,
  Http5xx,
  HttpOther,
  Count
};
enum class FrontendCounter {
  Sessions,
  BytesIn,
  BytesOut,
  RequestErrors,
  Http1xx,
  Http2xx,
  Http3xx,
  Http4xx,
  Http5xx,
  HttpOther,
  Count
};

// The counter of <status>'s class in <Enum> (ServerCounter or FrontendCounter).
template <class Enum>
Enum http_class_counter(int status) {
  const int cls = status / 100;
  const int offset = cls >= 1 && cls <= 5 ? cls - 1 : 5;
  return static_cast<Enum>(static_cast<int>(Enum::Http1xx) + offset);
}

// A server's check results and state changes, for the stats. Written and
// read on the control thread only (health checker, runtime API, stats
// listener), hence plain values.
struct ServerHistory {
  common::TimePoint last_change = common::SteadyClock::now();  // health or admin state
  std::optional<health::CheckResult> last_check;
  common::TimePoint last_check_at;
  std::uint32_t consecutive_successes = 0;
  std::uint32_t consecutive_failures = 0;
  std::uint64_t failed_checks = 0;
  std::uint64_t downs = 0;
  common::Duration downtime{0};  // DOWN periods that ended
  std::optional<common::TimePoint> down_since;
  stats::Histogram check_durations;
  // What the checks say (the server's `up` is this and not agent_down), and
  // whether its agent holds it DOWN (agent_checker.h).
  bool checks_up = true;
  bool agent_down = false;

  // The health checks took the server DOWN (<up> false) or back UP at <now>.
  void health_changed(bool up, common::TimePoint now);
  // Time DOWN so far, the current period included.
  common::Duration total_downtime(common::TimePoint now) const;
};

// What lives on across reloads for a server whose line did not change.
struct ServerLive {
  ServerLive(const config::Server& c, std::size_t workers)
      : resolved(c.host.empty()),
        weight(c.weight),
        maxconn(c.maxconn),
        counters(workers),
        address_(std::make_shared<const common::net::Endpoint>(c.address)) {
    if (c.disabled) admin = AdminState::Maint;
  }
  // Where connections and checks go: the server line's address, or the one
  // DNS gave a server named by host (replaced while running, no reload;
  // connections to the old one finish there).
  common::net::Endpoint address() const { return *address_.load(std::memory_order_acquire); }
  void set_address(const common::net::Endpoint& address) {
    address_.store(std::make_shared<const common::net::Endpoint>(address), std::memory_order_release);
    address_epoch.fetch_add(1, std::memory_order_release);
  }
  // Counts address changes: a kept-alive connection made before the last
  // one is not reused (server_pool.h).
  std::atomic<std::uint32_t> address_epoch{0};
  // In the rotation: healthy, ready, and with an address.
  bool serving() const {
    return up.load(std::memory_order_relaxed) && admin.load(std::memory_order_relaxed) == AdminState::Ready &&
           resolved.load(std::memory_order_relaxed);
  }

  // False while a server named by host has no address (HAProxy's
  // resolution maintenance, RMAINT): out of the rotation and not checked.
  std::atomic<bool> resolved;
  std::atomic<bool> up{true};
  std::atomic<AdminState> admin{AdminState::Ready};
  std::atomic<std::uint32_t> weight;
  std::atomic<std::uint32_t> maxconn;  // the server line's, or what its agent said (maxconn:N)
  std::atomic<std::uint32_t> active{0};
  std::atomic<std::uint32_t> active_max{0};
  // Requests queued for this server in particular (a persistence cookie
  // naming it while full), bounded by maxqueue.
  std::atomic<std::uint32_t> queued{0};
  // Slowstart: when the server last came back (steady clock, ns since its
  // epoch); 0 = not ramping. Set on the control thread, read by pickers.
  std::atomic<std::int64_t> back_since_ns{0};
  // observe: consecutive errors seen in traffic, all workers together.
  std::atomic<std::uint32_t> observed_errors{0};
  // The health part of `up` (checks and agent together) becomes <up> at
  // <now>: the history, the slowstart ramp and the passive-health count
  // follow. False when nothing changed. Control thread.
  bool set_serving_health(bool up, common::TimePoint now, common::Duration slowstart);
  // Back in the rotation at <now>: a server with slowstart ramps up.
  void came_back(common::TimePoint now, common::Duration slowstart) {
    if (slowstart.count() > 0)
      back_since_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count(),
                          std::memory_order_relaxed);
  }
  PerWorkerCounters<ServerCounter> counters;
  ServerHistory history;  // control thread only
  // Control thread only: where the address came from (HAProxy's words in
  // `show servers state`: config, libc, last, none, DNS, CLI) and, while
  // unresolved, why ("DNS NX status").
  std::string address_source = "config";
  std::string unresolved_reason;

 private:
  std::atomic<std::shared_ptr<const common::net::Endpoint>> address_;
};

struct ServerShared {
  ServerShared(const config::Server& c, std::size_t workers)
      : config(c), live(std::make_shared<ServerLive>(c, workers)) {}
  const config::Server& config;
  std::shared_ptr<ServerLive> live;
  std::shared_ptr<const TlsClientContext> tls;        // `ssl` servers (load_generation_files)
  std::shared_ptr<const TlsClientContext> check_tls;  // check_ssl
  bool inherited = false;                             // <live> came from the previous generation
};

// The server's persistence cookie: its cookie=, or with `cookie … dynamic`
// HAProxy's dynamic cookie of its present address (it follows DNS); "" for none.
std::string server_cookie(const ServerShared& server, const config::ProxySettings& backend);

struct BackendShared {
  explicit BackendShared(const config::Backend& c) : config(c) {}
  const config::Backend& config;
  std::vector<std::unique_ptr<ServerShared>> servers;
  std::atomic<std::uint32_t> active{0};
  std::atomic<std::uint32_t> queued{0};
  std::atomic<std::uint32_t> active_max{0};
  std::atomic<std::uint32_t> queued_max{0};
  http::ErrorPages error_pages;  // its errorfiles over the built-in pages
  // A dynamic algorithm and a server with slowstart: pickers see scaled
  // weights (balance/slowstart.h).
  bool ramps = false;

  ServerShared* find(std::string_view name) const;
  // Servers in service (active, backup), for the log lines.
  std::pair<int, int> in_service() const;
};

struct FrontendShared {
  FrontendShared(const config::Frontend& c, BackendShared* b, log::LogFormat format, std::size_t workers)
      : config(c), backend(b), log_format(std::move(format)), counters(workers) {}
  const config::Frontend& config;
  BackendShared* backend = nullptr;
  log::LogFormat log_format;
  http::ErrorPages error_pages;
  // TLS termination per `ssl` bind address (load_generation_files).
  std::map<common::net::Endpoint, std::shared_ptr<const TlsServerContext>> tls;
  std::atomic<std::uint32_t> active{0};
  std::atomic<std::uint32_t> active_max{0};
  PerWorkerCounters<FrontendCounter> counters;
};

struct Generation {
  // <workers>: the worker threads that will count into its counters.
  Generation(config::ProxyConfig c, std::size_t workers);
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  // Takes over the live state (health, admin state, weight, connection
  // counts, counters) of servers that still exist with an unchanged `server`
  // line; a changed line starts fresh: the configuration wins.
  void inherit(const Generation& previous);

  BackendShared* find_backend(std::string_view name) const;
  FrontendShared* find_frontend(std::string_view name) const;

  std::uint64_t id = 0;
  const config::ProxyConfig config;
  std::vector<std::unique_ptr<BackendShared>> backends;
  std::vector<std::unique_ptr<FrontendShared>> frontends;
  LiveState live_state{*this};         // what nbsrv, be_conn ... read
  mutable ErrorReports error_reports;  // observe: workers -> health checker
};

using GenerationPtr = std::shared_ptr<const Generation>;

// Reads what the configuration names on disk: certificates and keys (TLS
// contexts for `ssl` binds and servers) and errorfiles. Every problem is
// returned as "file:line: message"; the generation is usable only when
// none was. Also run by `proxyd -c`, and again on each reload (new
// certificates are picked up by SIGHUP).
std::vector<std::string> load_generation_files(Generation& generation);

// Process-wide connection count against global maxconn.
struct ProcessShared {
  std::atomic<std::uint32_t> connections{0};
  std::uint32_t maxconn = 0;
  // Paused listeners plus queued sessions, in all workers: a closing session
  // wakes the workers only when someone waits for its slot.
  std::atomic<std::int32_t> waiters{0};
};

}  // namespace proxyd::io
