// One short exchange per connection, on the control thread's loop: read a
// request, answer it, close. The stats listener (HTTP) and the admin socket
// (a command line) are both this, with their own framing in the handler.
// Bounded: at most kMaxConnections at once (accepting pauses beyond), each
// with kMaxRequest bytes and kTimeout to complete, so a slow or hostile
// client cannot hold the control thread or its memory.
#pragma once

#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"

namespace proxyd::io {

class ExchangeServer {
 public:
  static constexpr std::size_t kMaxConnections = 64;
  static constexpr std::size_t kMaxRequest = 64 * 1024;
  static constexpr std::chrono::seconds kTimeout{10};

  // Gets every byte received so far on a connection, whether the peer has
  // finished sending (<eof>), and who it is ("127.0.0.1:40000", "local").
  // Returns nullopt to keep reading, or the bytes to send before closing
  // (empty: close at once).
  using Handler =
      std::function<std::optional<std::string>(std::string_view received, bool eof, const std::string& peer)>;

  ExchangeServer(common::io::EventLoop& loop, common::log::Logger& logger, std::string name, Handler handler);
  ~ExchangeServer();
  ExchangeServer(const ExchangeServer&) = delete;
  ExchangeServer& operator=(const ExchangeServer&) = delete;

  // Accepts connections on the listening socket <fd>, known as <key>.
  void add_listener(const std::string& key, common::io::UniqueFd fd);
  void remove_listener(const std::string& key);
  bool has_listener(const std::string& key) const { return listeners_.contains(key); }
  std::vector<std::string> listener_keys() const;

 private:
  struct Listener;
  struct Connection;

  void accept_from(Listener& listener);
  void on_readable(Connection& connection);
  void respond(Connection& connection, std::string bytes);
  void on_writable(Connection& connection);
  void close(Connection& connection);
  void pause_accepting(bool pause);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  std::string name_;
  Handler handler_;
  std::map<std::string, std::unique_ptr<Listener>> listeners_;
  std::list<std::unique_ptr<Connection>> connections_;
  // Closed connections, destroyed on the next loop iteration: a connection
  // closes from inside its own callbacks.
  std::vector<std::unique_ptr<Connection>> graveyard_;
  common::io::TimerWatcher reaper_;
};

}  // namespace proxyd::io
