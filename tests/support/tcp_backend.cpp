#include "support/tcp_backend.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <mutex>
#include <set>

#include "common/io/socket_address.h"

namespace testing {
namespace {

bool wait_for(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

// ADDRESS:PORT or unix@PATH.
std::optional<common::net::Endpoint> test_endpoint(const std::string& text) {
  if (text.starts_with("unix@")) return common::net::Endpoint::from_unix_path(text.substr(5));
  return common::net::Endpoint::parse(text);
}

}  // namespace

Listening listen_on(const std::string& address) {
  const auto at = test_endpoint(address);
  REQUIRE(at);
  if (at->is_unix()) ::unlink(at->unix_path.c_str());
  const auto sa = common::io::to_socket_address(*at);
  Listening out;
  out.fd.reset(::socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(out.fd);
  const int on = 1;
  ::setsockopt(out.fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  REQUIRE(::bind(out.fd.get(), sa.get(), sa.length) == 0);
  REQUIRE(::listen(out.fd.get(), 1024) == 0);
  common::io::SocketAddress bound;
  bound.length = sizeof bound.storage;
  ::getsockname(out.fd.get(), bound.get(), &bound.length);
  out.port = at->is_unix() ? 0 : common::io::to_endpoint(bound)->port;
  out.host = at->is_unix() ? at->to_string() : at->address.to_string();
  return out;
}

TcpBackend::TcpBackend(std::string name, const std::string& address) : name_(std::move(name)) {
  auto listening = listen_on(address);
  listener_ = std::move(listening.fd);
  port_ = listening.port;
  host_ = listening.host;
  thread_ = std::thread([this] { serve(); });
}

TcpBackend::~TcpBackend() {
  stop();
  if (thread_.joinable()) thread_.join();
  for (auto& h : handlers_) h.join();
}

std::string TcpBackend::endpoint() const {
  if (host_.starts_with("unix@")) return host_;
  return fmt::format("{}:{}", host_, port_);
}

std::vector<std::string> TcpBackend::proxy_lines() const {
  std::lock_guard lock(mutex_);
  return proxy_lines_;
}

void TcpBackend::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(listener_.get(), SHUT_RDWR);
  std::lock_guard lock(mutex_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
}

void TcpBackend::serve() {
  while (!stopping_) {
    if (!wait_for(listener_.get(), POLLIN, std::chrono::milliseconds(50))) continue;
    common::io::UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!fd) continue;
    if (stopping_) break;
    ++accepted_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd.get());
    handlers_.emplace_back([this, f = fd.release()]() mutable { handle(common::io::UniqueFd(f)); });
  }
  listener_.reset();
}

void TcpBackend::handle(common::io::UniqueFd fd) {
  const auto now = ++concurrent_;
  for (auto seen = concurrent_max_.load(); now > seen && !concurrent_max_.compare_exchange_weak(seen, now);) {
  }
  if (expect_proxy_) {
    std::string line;
    char c;
    while (line.size() < 108 && ::recv(fd.get(), &c, 1, 0) == 1) {
      line += c;
      if (c == '\n') break;
    }
    std::lock_guard lock(mutex_);
    proxy_lines_.push_back(line);
  }
  const auto greeting = name_ + "\n";
  ::send(fd.get(), greeting.data(), greeting.size(), MSG_NOSIGNAL);
  char buf[65536];
  while (!stopping_) {
    if (!wait_for(fd.get(), POLLIN, std::chrono::milliseconds(100))) continue;
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n <= 0) break;
    for (ssize_t off = 0; off < n;) {
      const ssize_t w = ::send(fd.get(), buf + off, static_cast<std::size_t>(n - off), MSG_NOSIGNAL);
      if (w <= 0) break;
      off += w;
    }
  }
  ::shutdown(fd.get(), SHUT_WR);
  --concurrent_;
  std::lock_guard lock(mutex_);
  std::erase(open_fds_, fd.get());
}

std::optional<TcpClient> TcpClient::connect(const std::string& endpoint, std::chrono::milliseconds timeout) {
  const auto at = test_endpoint(endpoint);
  if (!at) return std::nullopt;
  const auto sa = common::io::to_socket_address(*at);
  common::io::UniqueFd fd(::socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd.get(), sa.get(), sa.length) != 0) return std::nullopt;
  return TcpClient(std::move(fd));
}

std::optional<std::string> TcpClient::read_line() {
  while (true) {
    if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
      auto line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    char buf[4096];
    const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

bool TcpClient::send_all(const std::string& data) {
  for (std::size_t off = 0; off < data.size();) {
    const ssize_t n = ::send(fd_.get(), data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

void TcpClient::shutdown_write() {
  ::shutdown(fd_.get(), SHUT_WR);
}

std::optional<std::string> TcpClient::read_to_end() {
  std::string out = std::move(pending_);
  pending_.clear();
  char buf[65536];
  while (true) {
    const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n == 0) return out;
    if (n < 0) return std::nullopt;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

std::optional<std::string> who_serves(const std::string& endpoint) {
  auto client = TcpClient::connect(endpoint);
  if (!client) return std::nullopt;
  return client->read_line();
}

std::uint16_t free_port() {
  // Never the same port twice in one test process: a test taking several
  // in a row must not get one it already holds.
  static std::mutex mutex;
  static std::set<std::uint16_t> given;
  std::lock_guard lock(mutex);
  for (;;) {
    const auto port = listen_on("127.0.0.1:0").port;
    if (given.insert(port).second) return port;
  }
}

}  // namespace testing
