// Plain TCP behind the Stream interface: recv/send on a non-blocking socket.
// It holds nothing but the descriptor, so an idle keep-alive connection
// costs a few bytes here.
#include "proxyd/io/tls/stream.h"

#include <sys/socket.h>

#include <cerrno>

namespace proxyd::io {
namespace {

using Status = StreamResult::Status;

bool would_block(int err) {
  return err == EAGAIN || err == EWOULDBLOCK;
}

class PlainStream final : public Stream {
 public:
  explicit PlainStream(int fd) : Stream(fd) {}

  StreamResult handshake() override { return {Status::Ok, 0}; }

  StreamResult read(std::span<char> into) override {
    if (into.empty()) return {Status::Ok, 0};
    while (true) {
      const ssize_t n = ::recv(fd_, into.data(), into.size(), 0);
      if (n > 0) return {Status::Ok, static_cast<std::size_t>(n)};
      if (n == 0) return {Status::Closed, 0};
      if (errno == EINTR) continue;
      return {would_block(errno) ? Status::WantRead : Status::Failed, 0};
    }
  }

  StreamResult write(std::string_view bytes) override {
    if (bytes.empty()) return {Status::Ok, 0};
    while (true) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n >= 0) return {Status::Ok, static_cast<std::size_t>(n)};
      if (errno == EINTR) continue;
      return {would_block(errno) ? Status::WantWrite : Status::Failed, 0};
    }
  }

  void shutdown_write() override { ::shutdown(fd_, SHUT_WR); }
};

}  // namespace

std::unique_ptr<Stream> make_plain_stream(int fd) {
  return std::make_unique<PlainStream>(fd);
}

}  // namespace proxyd::io
