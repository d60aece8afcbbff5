// A connection as the HTTP session sees it: plain TCP or TLS over a
// non-blocking socket, with one calling convention. Each call does what it
// can now and says what it is waiting for; the caller watches the socket
// for that event (a TLS read may need the socket writable and vice versa).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace proxyd::io {

struct StreamResult {
  enum class Status {
    Ok,         // <bytes> moved (> 0)
    WantRead,   // nothing now: call again when the socket is readable
    WantWrite,  // nothing now: call again when the socket is writable
    Closed,     // orderly end of stream (read side)
    Failed,     // connection error or TLS failure
  };
  Status status = Status::Ok;
  std::size_t bytes = 0;
};

class Stream {
 public:
  virtual ~Stream() = default;
  int fd() const { return fd_; }

  // Completes the TLS handshake (plain: Ok at once). Ok when done.
  virtual StreamResult handshake() = 0;
  virtual StreamResult read(std::span<char> into) = 0;
  // May move fewer bytes than given. After WantRead/WantWrite, call again
  // with the same bytes (TLS retries the record it started).
  virtual StreamResult write(std::string_view bytes) = 0;
  // Sends our end of stream (FIN, or TLS close_notify then FIN).
  virtual void shutdown_write() = 0;
  // Bytes already decrypted and waiting inside the stream (TLS), which no
  // socket event will announce.
  virtual bool has_buffered_input() const { return false; }
  // TLS facts for logs, routing and X-Forwarded-Proto.
  virtual bool is_tls() const { return false; }
  virtual std::string_view server_name() const { return {}; }  // SNI sent by the client
  virtual std::string_view alpn() const { return {}; }         // negotiated protocol

 protected:
  explicit Stream(int fd) : fd_(fd) {}
  int fd_;
};

// Plain TCP; takes no ownership of <fd>.
std::unique_ptr<Stream> make_plain_stream(int fd);

}  // namespace proxyd::io
