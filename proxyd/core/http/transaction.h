// The state of one client connection's HTTP transactions that does not
// depend on sockets: the request and response phases, the times the
// timeouts run from, and the rules that follow from them alone:
//   - next_deadline(): the one deadline of the current phases;
//   - expiry(): what that deadline's passing means (408, 504, a quiet close...);
//   - close_client_after(): HAProxy's keep-alive/close policy for a response;
//   - may_resend() / may_take_pooled(): the retry rule of RFC 9110 9.2.2;
//   - failure_response(): which status and termination state a failure gets.
// Pure: proxyd/io/http_session.cpp moves the bytes and feeds `now` in. It
// knows nothing of HTTP/1 framing (bodies are the BodyFramer's), so an
// HTTP/2 stream can run the same phases.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/core/time.h"
#include "proxyd/core/log/termination_state.h"

namespace proxyd::http {

// Request side: client -> server.
enum class RequestPhase {
  Handshake,  // TLS handshake
  Idle,       // waiting for the first byte of a request (keep-alive)
  Head,       // reading the request head
  Routing,    // head complete; waiting for a server connection
  Service,    // answered by a page of proxyd's (stats, metrics): waiting for it
  Tarpit,     // held by a tarpit rule until tarpit_until, then answered
  Body,       // forwarding the request body
  Done,       // request complete
  Tunnel,     // after 101: raw bytes
  Closing,    // flushing a final response of proxyd's own, then lingering
};

// Response side: server -> client.
enum class ResponsePhase { None, Head, Body, Done, Tunnel };

// The timeouts that apply to a transaction (the frontend's, and the chosen
// backend's timeout_server). A zero or absent duration never expires.
struct TransactionTimeouts {
  common::Duration http_request{0};                 // timeout_http_request
  std::optional<common::Duration> http_keep_alive;  // timeout_http_keep_alive (else http_request)
  common::Duration client{0};                       // timeout_client
  std::optional<common::Duration> tunnel;           // timeout_tunnel (else client)
  std::optional<common::Duration> server;           // timeout_server, once a backend is chosen
};

// What the passing of the current deadline means.
enum class Expiry {
  None,                 // nothing is due yet (an early wake-up)
  HandshakeTimeout,     // the TLS handshake took too long: close, no log line
  KeepAliveTimeout,     // nothing asked: close quietly (log only a connection that never asked)
  RequestTimeout,       // the request head took too long: 408, cR
  ServerHeadTimeout,    // no response head within timeout_server: 504, sH
  ServerDataTimeout,    // the response body stalled: close, sD
  ClientDataTimeout,    // the client stalled (its body, or reading ours): close, cD
  TunnelClientTimeout,  // a tunnel idle, the client quieter: close, cD
  TunnelServerTimeout,  // a tunnel idle, the server quieter: close, sD
  LingerDone,           // a final response is out and the linger is over: close
  TarpitDone,           // the tarpit's time is over: answer (500 by default), PT
};

// After a final response of proxyd's own, how long the client may go on
// sending before the connection closes (so it reads the response, not a
// reset), and the bound on flushing it when no timeout_client is set.
inline constexpr common::Duration kLinger{1000};

struct Transaction {
  RequestPhase request = RequestPhase::Handshake;
  ResponsePhase response = ResponsePhase::None;
  std::uint32_t completed = 0;  // transactions finished on this connection

  common::TimePoint request_started;  // the first byte of the current request (or the accept)
  common::TimePoint client_active;    // the last byte from or to the client
  common::TimePoint server_active;    // the last byte from or to the server
  common::TimePoint idle_since;       // the end of the previous transaction
  std::optional<common::TimePoint> linger_until;
  std::optional<common::TimePoint> tarpit_until;  // with RequestPhase::Tarpit
  bool output_pending = false;                    // bytes wait for the client (set by the session before asking)

  // The earliest deadline of the current phases; nullopt: none runs (the
  // Connector's timers cover Routing).
  std::optional<common::TimePoint> next_deadline(const TransactionTimeouts& t) const;
  // What has expired at <now>.
  Expiry expiry(common::TimePoint now, const TransactionTimeouts& t) const;
};

// The log's termination state of an expiry (for those that end the session).
log::TerminationState termination_of(Expiry expiry);

// HAProxy's policy: the client connection closes after this response when
// any of these holds.
struct CloseFacts {
  bool draining = false;              // reload or stop
  bool http_close = false;            // option http_close on the frontend or backend
  bool request_keep_alive = true;     // the request allows another one (HTTP/1.0 keep-alive, no close)
  bool response_until_close = false;  // the response body ends with the connection
  bool request_complete = true;       // the whole request body is in
};
bool close_client_after(const CloseFacts& facts);

// RFC 9110 9.2.2: GET HEAD OPTIONS TRACE PUT DELETE.
bool is_idempotent(std::string_view method);

// A request sent on a reused server connection that closed before any
// response byte may go again, once, on a new connection, to the same
// server choice: only when it is idempotent and has no body (its head is
// all there is to send again). Never POST, PATCH, CONNECT or an unknown
// method.
struct ResendFacts {
  std::string_view method;
  bool has_body = false;
  bool connection_reused = false;
  bool response_bytes_seen = false;
  bool already_resent = false;
};
bool may_resend(const ResendFacts& facts);

// An idle pooled connection may have been closed by its server meanwhile:
// only a request that could be re-sent takes one.
bool may_take_pooled(std::string_view method, bool has_body, bool resending);

// Failures of a transaction, and the response proxyd gives for each.
enum class Failure {
  HeadTooLarge,       // 431, PR
  RequestTimeout,     // 408, cR
  BadRequestBody,     // 400, PD (a broken chunked body)
  NoBackend,          // 503, PR (use_backend named none that exists)
  ServerTlsFailed,    // 503, SC
  ServerClosedEarly,  // 502, SH: closed before a response head
  BadResponse,        // 502, PH: an unparsable or unexpected response head
  TruncatedResponse,  // 502, SH: the head was cut short
  ServerTimeout,      // 504, sH
};
struct FailureResponse {
  int status;
  log::TerminationState termination;
};
FailureResponse failure_response(Failure failure);

}  // namespace proxyd::http
