// Reads a TLS ClientHello without terminating TLS: the server name (SNI)
// and the ALPN protocols, for `use_backend = NAME if sni example.org` in TCP
// mode. Pure: the bytes the client sent so far in, a verdict out; the
// caller peeks (MSG_PEEK), so nothing is consumed and the relay later
// forwards the handshake unchanged.
//
// Contract of parse_client_hello(bytes):
//   NeedMore  <bytes> is a prefix of a plausible ClientHello: peek again
//             when more arrives (the hello may span several records).
//   Done      <hello> is filled (server_name empty when the client sent no SNI).
//   Error     not TLS, or a malformed hello: <error> says why; the caller
//             uses the default backend.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace proxyd::tls {

struct ClientHello {
  std::uint16_t legacy_version = 0;
  std::string server_name;  // host_name from the server_name extension, lower-cased
  std::vector<std::string> alpn;
};

struct HelloResult {
  enum class Status { NeedMore, Done, Error };
  Status status = Status::NeedMore;
  std::string_view error;
};

// The largest ClientHello considered (several records): beyond, Error.
inline constexpr std::size_t kMaxClientHello = 16 * 1024;

HelloResult parse_client_hello(std::span<const std::uint8_t> bytes, ClientHello& hello);

}  // namespace proxyd::tls
