#include "support/http_backend.h"
#include "support/tcp_backend.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "common/core/address.h"
#include "common/core/text.h"
#include "common/io/socket_address.h"

namespace testing {
namespace {

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string header_of(const std::string& head, const std::string& name) {
  std::istringstream in(head);
  std::string line;
  std::getline(in, line);  // request line
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (common::text::iequals(line.substr(0, colon), name))
      return std::string(common::text::trim(line.substr(colon + 1)));
  }
  return {};
}

// Reads more bytes into <buffer>; false on EOF, error or 10 s of silence.
bool fill(int fd, std::string& buffer, const std::atomic<bool>& stopping) {
  for (int waited = 0; waited < 10'000 && !stopping; waited += 100) {
    if (!readable(fd, 100)) continue;
    char chunk[16384];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  return false;
}

}  // namespace

std::string ReceivedRequest::header(const std::string& name) const {
  return header_of(head, name);
}

HttpBackend::HttpBackend(std::string name, const std::string& address) : name_(std::move(name)) {
  auto listening = listen_on(address);
  listener_ = std::move(listening.fd);
  port_ = listening.port;
  host_ = listening.host;
  thread_ = std::thread([this] { serve(); });
}

HttpBackend::~HttpBackend() {
  stop();
  if (thread_.joinable()) thread_.join();
  for (auto& h : handlers_) h.join();
}

std::string HttpBackend::endpoint() const {
  if (host_.starts_with("unix@")) return host_;  // a Unix socket (listen_on("unix@PATH"))
  return fmt::format("{}:{}", host_, port_);
}

std::vector<ReceivedRequest> HttpBackend::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t HttpBackend::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

void HttpBackend::stop() {
  if (stopping_.exchange(true)) return;
  ::shutdown(listener_.get(), SHUT_RDWR);
  std::lock_guard lock(mutex_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
}

void HttpBackend::serve() {
  while (!stopping_) {
    if (!readable(listener_.get(), 50)) continue;
    const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    if (stopping_) {
      ::close(fd);
      break;
    }
    const auto index = ++accepted_;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(fd);
    handlers_.emplace_back([this, fd, index] { handle(fd, index); });
  }
  listener_.reset();
}

void HttpBackend::handle(int fd, std::size_t index) {
  std::string buffer;
  bool keep_alive = true;
  std::size_t answered = 0;  // requests answered on this connection
  while (keep_alive && !stopping_) {
    std::size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(fd, buffer, stopping_)) goto done;
    }
    {
      ReceivedRequest request;
      request.head = buffer.substr(0, end + 4);
      request.connection = index;
      buffer.erase(0, end + 4);
      // Expect: 100-continue gets its interim response before the body.
      if (common::text::iequals(request.header("Expect"), "100-continue")) {
        send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n");
      }
      // The body: Content-Length or chunked.
      if (const auto cl = request.header("Content-Length"); !cl.empty()) {
        const auto length = std::strtoull(cl.c_str(), nullptr, 10);
        while (buffer.size() < length) {
          if (!fill(fd, buffer, stopping_)) goto done;
        }
        request.body = buffer.substr(0, length);
        buffer.erase(0, length);
      } else if (common::text::iequals(request.header("Transfer-Encoding"), "chunked")) {
        for (;;) {
          std::size_t line_end;
          while ((line_end = buffer.find("\r\n")) == std::string::npos) {
            if (!fill(fd, buffer, stopping_)) goto done;
          }
          const auto size = std::strtoull(buffer.c_str(), nullptr, 16);
          buffer.erase(0, line_end + 2);
          if (size == 0) {
            while ((line_end = buffer.find("\r\n")) == std::string::npos) {
              if (!fill(fd, buffer, stopping_)) goto done;
            }
            buffer.erase(0, line_end + 2);  // no trailers in these tests
            break;
          }
          while (buffer.size() < size + 2) {
            if (!fill(fd, buffer, stopping_)) goto done;
          }
          request.body += buffer.substr(0, size);
          buffer.erase(0, size + 2);
        }
      }
      const auto line = request.request_line();
      const bool http10 = line.ends_with("HTTP/1.0");
      const auto connection = request.header("Connection");
      keep_alive =
          http10 ? common::text::iequals(connection, "keep-alive") : !common::text::iequals(connection, "close");
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      const auto path = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
      const auto served = "X-Served-By: " + name_ + "\r\n";
      const auto conn = keep_alive ? std::string() : std::string("Connection: close\r\n");
      const auto plain = [&](int status, const std::string& body, const std::string& extra = "") {
        return fmt::format("HTTP/1.1 {} {}\r\nContent-Length: {}\r\n{}{}{}\r\n{}", status,
                           status == 200 ? "OK" : "Status", body.size(), served, extra, conn, body);
      };
      if (path == "/health") {
        send_all(fd, plain(health_status_.load(), name_ + " health"));
      } else if (path == "/ws" && common::text::iequals(request.header("Upgrade"), "websocket")) {
        send_all(fd,
                 "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + served + "\r\n");
        // Echo until the peer closes.
        if (!buffer.empty()) send_all(fd, buffer);
        char chunk[4096];
        while (!stopping_) {
          if (!readable(fd, 100)) continue;
          const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
          if (n <= 0) break;
          send_all(fd, std::string_view(chunk, static_cast<std::size_t>(n)));
        }
        break;
      } else if (path.starts_with("/slow/")) {
        ::usleep(static_cast<useconds_t>(std::atoi(path.c_str() + 6)) * 1000);
        send_all(fd, plain(200, name_ + "\n"));
      } else if (path.starts_with("/drop-reused")) {
        if (answered > 0) break;  // recorded, then closed unanswered
        send_all(fd, plain(200, name_ + "\n"));
      } else if (path == "/close") {
        send_all(fd, fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{}Connection: close\r\n\r\n{}\n",
                                 name_.size() + 1, served, name_));
        break;
      } else if (path == "/chunked") {
        send_all(fd, fmt::format(
                         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n{}{}\r\n{:x}\r\n{}\r\n1\r\n\n\r\n0\r\n\r\n",
                         served, conn, name_.size(), name_));
      } else if (path == "/set-cookie") {
        send_all(fd, plain(200, name_ + "\n", "Set-Cookie: JSESSIONID=abc123; path=/\r\n"));
      } else if (path == "/echo") {
        send_all(fd, plain(200, request.body));
      } else {
        send_all(fd, plain(200, name_ + "\n"));
      }
      ++answered;
    }
  }
done:
  ::shutdown(fd, SHUT_WR);
  {
    std::lock_guard lock(mutex_);
    std::erase(open_fds_, fd);
  }
  ::close(fd);
}

}  // namespace testing
