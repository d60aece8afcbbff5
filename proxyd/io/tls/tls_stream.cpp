#include "proxyd/io/tls/tls_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "common/core/text.h"
#include "proxyd/io/tls/x509_names.h"

namespace proxyd::io {

using Status = StreamResult::Status;

void SslFree::operator()(SSL* ssl) const {
  SSL_free(ssl);
}

TlsStream::TlsStream(int fd, SslPtr ssl, Role role, std::shared_ptr<const void> owner)
    : Stream(fd), ssl_(std::move(ssl)), owner_(std::move(owner)), role_(role) {
  ERR_clear_error();
  if (SSL_set_fd(ssl_.get(), fd) != 1) {
    last_error_ = "SSL_set_fd: " + take_openssl_error();
    failed_ = true;
    return;
  }
  if (role_ == Role::Server) {
    SSL_set_accept_state(ssl_.get());
  } else {
    SSL_set_connect_state(ssl_.get());
  }
}

TlsStream::~TlsStream() = default;

StreamResult TlsStream::fail(int ssl_result) {
  const int saved_errno = errno;
  const int error = SSL_get_error(ssl_.get(), ssl_result);
  switch (error) {
    case SSL_ERROR_WANT_READ:
      return {Status::WantRead, 0};
    case SSL_ERROR_WANT_WRITE:
      return {Status::WantWrite, 0};
    case SSL_ERROR_ZERO_RETURN:
      ERR_clear_error();
      return {Status::Closed, 0};
    default:
      break;
  }
  std::string text = take_openssl_error();
  if (text.empty() && error == SSL_ERROR_SYSCALL) {
    text = saved_errno != 0 ? std::strerror(saved_errno) : "connection closed by the peer";
  } else if (text.empty()) {
    text = "SSL error " + std::to_string(error);
  }
  // Why the peer's certificate was refused, when we check it.
  const long verify = SSL_get_verify_result(ssl_.get());
  const bool verifying = (SSL_get_verify_mode(ssl_.get()) & SSL_VERIFY_PEER) != 0;
  if (!handshake_done_ && verifying && verify != X509_V_OK)
    text += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
  if (last_error_.empty()) last_error_ = std::move(text);
  failed_ = true;
  return {Status::Failed, 0};
}

StreamResult TlsStream::handshake() {
  if (handshake_done_) return {Status::Ok, 0};
  if (failed_) return {Status::Failed, 0};
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl_.get());
  if (result != 1) return fail(result);
  handshake_done_ = true;
  if (role_ == Role::Server) {
    const char* name = SSL_get_servername(ssl_.get(), TLSEXT_NAMETYPE_host_name);
    if (name != nullptr) server_name_ = common::text::to_lower(name);
  }
  return {Status::Ok, 0};
}

StreamResult TlsStream::read(std::span<char> into) {
  if (failed_) return {Status::Failed, 0};
  if (into.empty()) return {Status::Ok, 0};
  if (!handshake_done_) {
    const auto shake = handshake();
    if (shake.status != Status::Ok) return shake;
  }
  ERR_clear_error();
  std::size_t n = 0;
  const int result = SSL_read_ex(ssl_.get(), into.data(), into.size(), &n);
  if (result == 1) return {Status::Ok, n};
  return fail(result);
}

StreamResult TlsStream::write(std::string_view bytes) {
  if (failed_) return {Status::Failed, 0};
  if (bytes.empty()) return {Status::Ok, 0};
  if (!handshake_done_) {
    const auto shake = handshake();
    if (shake.status != Status::Ok) return shake;
  }
  ERR_clear_error();
  std::size_t n = 0;
  const int result = SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &n);
  if (result == 1) return {Status::Ok, n};
  return fail(result);
}

void TlsStream::shutdown_write() {
  if (shut_) return;
  shut_ = true;
  // After a fatal error OpenSSL must not send anything more (SSL_shutdown
  // would refuse anyway); before the handshake there is nothing to close.
  if (handshake_done_ && !failed_) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());  // sends close_notify; a WantWrite is not retried
    ERR_clear_error();
  }
  ::shutdown(fd_, SHUT_WR);
}

bool TlsStream::has_buffered_input() const {
  // SSL_has_pending also counts raw bytes read ahead but not yet decrypted.
  return SSL_has_pending(ssl_.get()) == 1;
}

std::string_view TlsStream::server_name() const {
  return server_name_;
}

std::string_view TlsStream::alpn() const {
  const unsigned char* data = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(ssl_.get(), &data, &length);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), length};
}

std::string_view TlsStream::protocol_version() const {
  return SSL_get_version(ssl_.get());
}

std::string_view TlsStream::cipher() const {
  const char* name = SSL_get_cipher_name(ssl_.get());
  return name != nullptr ? name : "";
}

std::vector<std::string> TlsStream::peer_certificate_names() const {
  return certificate_names(SSL_get0_peer_certificate(ssl_.get()));
}

std::string TlsStream::session() const {
  const SSL_SESSION* session = SSL_get_session(ssl_.get());
  if (session == nullptr || SSL_SESSION_is_resumable(session) != 1) return {};
  const int length = i2d_SSL_SESSION(session, nullptr);
  if (length <= 0) return {};
  std::string out(static_cast<std::size_t>(length), '\0');
  auto* cursor = reinterpret_cast<unsigned char*>(out.data());
  if (i2d_SSL_SESSION(session, &cursor) != length) return {};
  return out;
}

bool TlsStream::set_session(std::string_view serialized) {
  if (serialized.empty() || serialized.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
    return false;
  }
  const auto* cursor = reinterpret_cast<const unsigned char*>(serialized.data());
  SSL_SESSION* session = d2i_SSL_SESSION(nullptr, &cursor, static_cast<long>(serialized.size()));
  ERR_clear_error();
  if (session == nullptr) return false;
  const bool set = SSL_set_session(ssl_.get(), session) == 1;
  SSL_SESSION_free(session);
  ERR_clear_error();
  return set;
}

bool TlsStream::session_reused() const {
  return SSL_session_reused(ssl_.get()) == 1;
}

}  // namespace proxyd::io
