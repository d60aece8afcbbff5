// A real HTTP/1.1 server for proxy tests, on loopback: one thread per
// connection, keep-alive, Content-Length and chunked request bodies, and a
// few behaviours chosen by path. Every request it receives is recorded (raw
// head and body), so a test can assert what reached the server, and what
// did not (smuggling).
//
// Paths:
//   /health       answers health_status() (200 by default), body "<name> health"
//   /ws           with "Upgrade: websocket": 101, then echoes bytes
//   /slow/<ms>    waits <ms> before answering
//   /close        answers with "Connection: close" and closes
//   /drop-reused* on a connection that already answered a request: recorded,
//                 then the connection closes unanswered (a server closing an
//                 idle keep-alive connection just as a request arrives); on a
//                 new connection: 200
//   /chunked      answers with a chunked body "<name>" in two chunks
//   /set-cookie   answers with "Set-Cookie: JSESSIONID=abc123; path=/"
//   /echo         answers with the request body
// A request with "Expect: 100-continue" gets "100 Continue" first.
//   anything else "200 OK", body "<name>\n"
// Each response carries "X-Served-By: <name>".
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/io/unique_fd.h"

namespace testing {

struct ReceivedRequest {
  std::string head;            // request line and header fields, CRLFs included
  std::string body;            // decoded
  std::size_t connection = 0;  // index of the connection it came on (1-based)

  // The value of header <name> (case-insensitive); empty if absent.
  std::string header(const std::string& name) const;
  std::string request_line() const { return head.substr(0, head.find("\r\n")); }
};

class HttpBackend {
 public:
  explicit HttpBackend(std::string name, const std::string& address = "127.0.0.1:0");
  ~HttpBackend();
  HttpBackend(const HttpBackend&) = delete;
  HttpBackend& operator=(const HttpBackend&) = delete;

  const std::string& name() const { return name_; }
  std::uint16_t port() const { return port_; }
  std::string endpoint() const;
  std::size_t connections() const { return accepted_.load(); }
  std::vector<ReceivedRequest> requests() const;
  std::size_t request_count() const;
  void set_health_status(int status) { health_status_ = status; }
  // Stops listening and closes open connections (a crashed server).
  void stop();

 private:
  void serve();
  void handle(int fd, std::size_t index);

  std::string name_;
  std::uint16_t port_ = 0;
  std::string host_;
  common::io::UniqueFd listener_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  std::atomic<int> health_status_{200};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> open_fds_;
  std::thread thread_;
  std::vector<std::thread> handlers_;
};

}  // namespace testing
