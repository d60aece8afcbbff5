#include "proxyd/io/stats_exchange.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/io/socket_address.h"

namespace proxyd::io {
namespace {

constexpr int kAcceptsPerEvent = 16;

std::string peer_name(const common::io::SocketAddress& address) {
  if (address.family() != AF_INET && address.family() != AF_INET6) return "local";
  const auto endpoint = common::io::to_endpoint(address);
  return endpoint ? endpoint->to_string() : "unknown";
}

}  // namespace

struct ExchangeServer::Listener {
  Listener(ExchangeServer& server, common::io::UniqueFd socket)
      : fd(std::move(socket)), watcher(server.loop_, [&server, this](int) { server.accept_from(*this); }) {
    watcher.start(fd.get(), EV_READ);
  }
  common::io::UniqueFd fd;
  common::io::IoWatcher watcher;
};

struct ExchangeServer::Connection {
  Connection(ExchangeServer& server, common::io::UniqueFd socket, std::string who)
      : fd(std::move(socket)),
        peer(std::move(who)),
        watcher(server.loop_,
                [&server, this](int events) {
                  if (responding) {
                    if (events & EV_WRITE) server.on_writable(*this);
                  } else {
                    server.on_readable(*this);
                  }
                }),
        timer(server.loop_, [&server, this] { server.close(*this); }) {}
  common::io::UniqueFd fd;
  std::string peer;
  std::string received;
  std::string reply;
  std::size_t written = 0;
  bool responding = false;
  bool closed = false;
  common::io::IoWatcher watcher;
  common::io::TimerWatcher timer;
};

ExchangeServer::ExchangeServer(common::io::EventLoop& loop, common::log::Logger& logger, std::string name,
                               Handler handler)
    : loop_(loop), logger_(logger), name_(std::move(name)), handler_(std::move(handler)), reaper_(loop, [this] {
        graveyard_.clear();
      }) {}

ExchangeServer::~ExchangeServer() = default;

void ExchangeServer::add_listener(const std::string& key, common::io::UniqueFd fd) {
  listeners_[key] = std::make_unique<Listener>(*this, std::move(fd));
  if (connections_.size() >= kMaxConnections) listeners_[key]->watcher.stop();
}

void ExchangeServer::remove_listener(const std::string& key) {
  listeners_.erase(key);
}

std::vector<std::string> ExchangeServer::listener_keys() const {
  std::vector<std::string> keys;
  for (const auto& [key, listener] : listeners_) keys.push_back(key);
  return keys;
}

void ExchangeServer::pause_accepting(bool pause) {
  for (auto& [key, listener] : listeners_) {
    if (pause) {
      listener->watcher.stop();
    } else if (!listener->watcher.active()) {
      listener->watcher.start(listener->fd.get(), EV_READ);
    }
  }
}

void ExchangeServer::accept_from(Listener& listener) {
  for (int i = 0; i < kAcceptsPerEvent && connections_.size() < kMaxConnections; ++i) {
    common::io::SocketAddress peer;
    peer.length = sizeof peer.storage;
    common::io::UniqueFd fd(::accept4(listener.fd.get(), peer.get(), &peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
        logger_.warning("{}: accept: {}", name_, std::strerror(errno));
      }
      return;
    }
    connections_.push_back(std::make_unique<Connection>(*this, std::move(fd), peer_name(peer)));
    auto& connection = *connections_.back();
    connection.watcher.start(connection.fd.get(), EV_READ);
    connection.timer.start(kTimeout);
  }
  if (connections_.size() >= kMaxConnections) pause_accepting(true);
}

void ExchangeServer::on_readable(Connection& connection) {
  char buffer[16384];
  const ssize_t n = ::recv(connection.fd.get(), buffer, sizeof buffer, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n < 0) return close(connection);
  const bool eof = n == 0;
  connection.received.append(buffer, static_cast<std::size_t>(n));
  auto reply = handler_(connection.received, eof, connection.peer);
  if (!reply && connection.received.size() >= kMaxRequest) reply = std::string();
  if (!reply && eof) reply = std::string();
  if (reply) respond(connection, std::move(*reply));
}

void ExchangeServer::respond(Connection& connection, std::string bytes) {
  if (bytes.empty()) return close(connection);
  connection.responding = true;
  connection.reply = std::move(bytes);
  connection.received.clear();
  connection.watcher.start(connection.fd.get(), EV_WRITE);
  on_writable(connection);
}

void ExchangeServer::on_writable(Connection& connection) {
  while (connection.written < connection.reply.size()) {
    const ssize_t n = ::send(connection.fd.get(), connection.reply.data() + connection.written,
                             connection.reply.size() - connection.written, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // EV_WRITE calls again
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    connection.written += static_cast<std::size_t>(n);
  }
  close(connection);
}

void ExchangeServer::close(Connection& connection) {
  if (connection.closed) return;
  connection.closed = true;
  connection.watcher.stop();
  connection.timer.stop();
  // Our FIN first, then the descriptor: the peer reads the whole answer.
  ::shutdown(connection.fd.get(), SHUT_WR);
  connection.fd.reset();
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->get() != &connection) continue;
    graveyard_.push_back(std::move(*it));
    connections_.erase(it);
    break;
  }
  if (!reaper_.active()) reaper_.start(std::chrono::nanoseconds(0));
  if (connections_.size() < kMaxConnections) pause_accepting(false);
}

}  // namespace proxyd::io
