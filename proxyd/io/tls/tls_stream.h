// TLS over a non-blocking socket with OpenSSL, behind the Stream interface.
// OpenSSL drives the socket itself (SSL_set_fd); every call maps its
// SSL_ERROR_WANT_READ/WRITE to WantRead/WantWrite, a close_notify to Closed
// and anything else to Failed, keeping the first error's text for the log.
// Buffers are released while the connection idles (SSL_MODE_RELEASE_BUFFERS)
// and a write may be partial (SSL_MODE_ENABLE_PARTIAL_WRITE): after
// WantRead/WantWrite from write(), call it again with the same bytes (the
// same data, possibly at another address).
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "proxyd/io/tls/stream.h"

namespace proxyd::io {

struct SslFree {
  void operator()(SSL* ssl) const;
};
using SslPtr = std::unique_ptr<SSL, SslFree>;

class TlsStream final : public Stream {
 public:
  enum class Role { Server, Client };

  // Binds <ssl> (configured by its context) to <fd> (not owned). <owner>
  // keeps alive what <ssl>'s callbacks point to (the context).
  TlsStream(int fd, SslPtr ssl, Role role, std::shared_ptr<const void> owner);
  ~TlsStream() override;
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  StreamResult handshake() override;
  StreamResult read(std::span<char> into) override;
  StreamResult write(std::string_view bytes) override;
  // close_notify (once, without waiting for the peer's), then FIN.
  void shutdown_write() override;
  bool has_buffered_input() const override;
  bool is_tls() const override { return true; }
  std::string_view server_name() const override;  // lower-cased
  std::string_view alpn() const override;

  bool handshake_done() const { return handshake_done_; }
  // The first failure's text (OpenSSL's reason, or the errno), "" if none.
  std::string last_error() const { return last_error_; }
  std::string_view protocol_version() const;  // "TLSv1.3"
  std::string_view cipher() const;            // "TLS_AES_128_GCM_SHA256"
  // Names (CN, DNS SANs) of the certificate the peer presented.
  std::vector<std::string> peer_certificate_names() const;

  // Session resumption (client side). session(): the current session,
  // serialized, or "" when it cannot be resumed (with TLS 1.3 the server's
  // ticket arrives after the handshake, with the first read).
  // set_session(): offers a session from session() on this connection;
  // false if it does not parse. Call before the handshake.
  std::string session() const;
  bool set_session(std::string_view serialized);
  bool session_reused() const;

 private:
  StreamResult fail(int ssl_result);

  SslPtr ssl_;
  std::shared_ptr<const void> owner_;
  std::string server_name_;
  std::string last_error_;
  Role role_;
  bool handshake_done_ = false;
  bool failed_ = false;  // fatal: nothing more is sent
  bool shut_ = false;
};

}  // namespace proxyd::io
