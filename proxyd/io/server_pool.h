// Idle keep-alive connections to servers, per worker thread (no lock): an
// HTTP session whose client went away leaves its server connection here,
// and a later request to the same server takes it instead of connecting.
// An idle connection is watched: when the server closes it (or sends
// anything unasked), it is dropped at once; it is also dropped after
// <idle_timeout>. At most kMaxIdlePerServer wait per server. A connection
// to an address the server no longer has (DNS, `set server addr`) is never
// kept nor reused.
#pragma once

#include <list>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "proxyd/io/generation.h"
#include "proxyd/io/tls/stream.h"

namespace proxyd::io {

struct ServerConnection {
  common::io::UniqueFd fd;
  std::unique_ptr<Stream> stream;   // over fd (plain or TLS)
  std::uint32_t address_epoch = 0;  // the server's ServerLive::address_epoch when it connected
};

class ServerPool {
 public:
  static constexpr std::size_t kMaxIdlePerServer = 256;

  explicit ServerPool(common::io::EventLoop& loop) : loop_(loop), reaper_(loop, [this] { dead_.clear(); }) {}
  ServerPool(const ServerPool&) = delete;
  ServerPool& operator=(const ServerPool&) = delete;

  // Keeps <connection> to <server> for reuse (or closes it when full).
  void put(const ServerShared& server, ServerConnection connection, common::Duration idle_timeout);
  // The most recently idled connection to <server>, if any.
  std::optional<ServerConnection> take(const ServerShared& server);
  std::size_t idle_count() const { return count_; }
  void clear();

 private:
  struct Idle {
    Idle(ServerPool& pool, const ServerLive* key, ServerConnection c)
        : connection(std::move(c)),
          watcher(pool.loop_, [&pool, key, this](int) { pool.drop(key, this); }),
          timer(pool.loop_, [&pool, key, this] { pool.drop(key, this); }) {}
    ServerConnection connection;
    common::io::IoWatcher watcher;
    common::io::TimerWatcher timer;
  };
  using IdleList = std::list<std::unique_ptr<Idle>>;

  void drop(const ServerLive* key, const Idle* idle);

  common::io::EventLoop& loop_;
  // Keyed by the server's live state, which outlives reloads that keep its
  // line; the shared_ptr keeps the key from being reused while listed.
  std::map<const ServerLive*, std::pair<std::shared_ptr<ServerLive>, IdleList>> idle_;
  std::size_t count_ = 0;
  // Dropped from inside their own watcher's callback: destroyed a loop
  // iteration later.
  std::vector<std::unique_ptr<Idle>> dead_;
  common::io::TimerWatcher reaper_;
};

}  // namespace proxyd::io
