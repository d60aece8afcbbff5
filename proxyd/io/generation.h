// A generation: one loaded configuration plus the state every worker thread
// shares for it (server health and admin state, connection counts,
// counters), all in relaxed atomics: no lock on the data path. A reload
// builds a new generation; sessions keep the one they started with (through
// shared_ptr) and finish on it, while server state carries over by name.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/log/log_format.h"

namespace proxyd::io {

enum class AdminState : std::uint8_t { Ready, Drain, Maint };

// What lives on across reloads for a server whose line did not change.
struct ServerLive {
  explicit ServerLive(const config::Server& c) : weight(c.weight) {
    if (c.disabled) admin = AdminState::Maint;
  }
  std::atomic<bool> up{true};
  std::atomic<AdminState> admin{AdminState::Ready};
  std::atomic<std::uint32_t> weight;
  std::atomic<std::uint32_t> active{0};
  // Counters (monotonic).
  std::atomic<std::uint64_t> sessions{0};
  std::atomic<std::uint64_t> bytes_in{0};   // from clients
  std::atomic<std::uint64_t> bytes_out{0};  // to clients
  std::atomic<std::uint64_t> connect_errors{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> redispatches{0};
};

struct ServerShared {
  explicit ServerShared(const config::Server& c) : config(c), live(std::make_shared<ServerLive>(c)) {}
  const config::Server& config;
  std::shared_ptr<ServerLive> live;
};

struct BackendShared {
  explicit BackendShared(const config::Backend& c) : config(c) {}
  const config::Backend& config;
  std::vector<std::unique_ptr<ServerShared>> servers;
  std::atomic<std::uint32_t> active{0};
  std::atomic<std::uint32_t> queued{0};

  ServerShared* find(std::string_view name) const;
};

struct FrontendShared {
  FrontendShared(const config::Frontend& c, BackendShared* b, log::LogFormat format)
      : config(c), backend(b), log_format(std::move(format)) {}
  const config::Frontend& config;
  BackendShared* backend = nullptr;
  log::LogFormat log_format;
  std::atomic<std::uint32_t> active{0};
  std::atomic<std::uint64_t> sessions{0};
};

struct Generation {
  explicit Generation(config::ProxyConfig c);
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
};

using GenerationPtr = std::shared_ptr<const Generation>;

// Process-wide connection count against global maxconn.
struct ProcessShared {
  std::atomic<std::uint32_t> connections{0};
  std::uint32_t maxconn = 0;
  // Paused listeners plus queued sessions, in all workers: a closing session
  // wakes the workers only when someone waits for its slot.
  std::atomic<std::int32_t> waiters{0};
};

}  // namespace proxyd::io
