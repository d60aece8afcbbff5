// Small real TCP servers and clients for proxy tests, on loopback (or in a
// namespace's address): a backend that greets with its name and echoes
// everything until the client half-closes, counting its connections.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/core/address.h"
#include "common/io/unique_fd.h"

namespace testing {

class TcpBackend {
 public:
  // Listens on <address> (port 0 picks one). The greeting is "<name>\n".
  TcpBackend(std::string name, const std::string& address = "127.0.0.1:0");
  ~TcpBackend();
  TcpBackend(const TcpBackend&) = delete;
  TcpBackend& operator=(const TcpBackend&) = delete;

  const std::string& name() const { return name_; }
  std::uint16_t port() const { return port_; }
  std::string endpoint() const;
  std::size_t accepted() const { return accepted_.load(); }
  std::size_t concurrent_max() const { return concurrent_max_.load(); }
  // The first bytes of each connection, when they carry a PROXY v1 line.
  std::vector<std::string> proxy_lines() const;
  // Whether a PROXY header is expected and consumed (and recorded).
  void expect_proxy_v1(bool on) { expect_proxy_ = on; }
  // Stops listening and closes open connections (a crashed server).
  void stop();

 private:
  void serve();
  void handle(common::io::UniqueFd fd);

  std::string name_;
  std::uint16_t port_ = 0;
  std::string host_;
  common::io::UniqueFd listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> expect_proxy_{false};
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> concurrent_{0};
  std::atomic<std::size_t> concurrent_max_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> proxy_lines_;
  std::vector<int> open_fds_;
  std::thread thread_;
  std::vector<std::thread> handlers_;
};

// A blocking client connection with a timeout on every operation.
class TcpClient {
 public:
  static std::optional<TcpClient> connect(const std::string& endpoint,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads one line (without "\n"); nullopt on EOF, error or timeout.
  std::optional<std::string> read_line();
  bool send_all(const std::string& data);
  void shutdown_write();
  // Reads until EOF; nullopt on error or timeout.
  std::optional<std::string> read_to_end();
  int fd() const { return fd_.get(); }

 private:
  explicit TcpClient(common::io::UniqueFd fd) : fd_(std::move(fd)) {}
  common::io::UniqueFd fd_;
  std::string pending_;
};

// The greeting of a fresh connection through <endpoint>: which backend served it.
std::optional<std::string> who_serves(const std::string& endpoint);

// A listening socket on <address> ("127.0.0.1:0" picks a port), and where
// it listens; a test failure when it cannot listen.
struct Listening {
  common::io::UniqueFd fd;
  std::string host;
  std::uint16_t port = 0;
};
// ADDRESS:PORT (port 0 picks one), or unix@PATH (port 0).
Listening listen_on(const std::string& address);

// A free TCP port on 127.0.0.1 (bind to 0, read it, close).
std::uint16_t free_port();

}  // namespace testing
