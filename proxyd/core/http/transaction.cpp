#include "proxyd/core/http/transaction.h"

#include <algorithm>
#include <array>

namespace proxyd::http {

using log::SessionPhase;
using log::TerminationCause;
using log::TerminationState;

namespace {

// The earlier of <current> and <from> + <d> (a zero duration never expires).
void consider(std::optional<common::TimePoint>& current, common::TimePoint from, common::Duration d) {
  if (d.count() <= 0) return;
  const auto t = from + d;
  if (!current || t < *current) current = t;
}

bool expired(common::TimePoint now, common::TimePoint from, common::Duration d) {
  return d.count() > 0 && now >= from + d;
}

bool server_reading(ResponsePhase phase) {
  return phase == ResponsePhase::Head || phase == ResponsePhase::Body;
}

}  // namespace

std::optional<common::TimePoint> Transaction::next_deadline(const TransactionTimeouts& t) const {
  std::optional<common::TimePoint> deadline;
  switch (request) {
    case RequestPhase::Handshake:
    case RequestPhase::Head:
      consider(deadline, request_started, t.http_request);
      break;
    case RequestPhase::Idle:
      if (completed == 0) {
        consider(deadline, request_started, t.http_request);
      } else {
        consider(deadline, idle_since, t.http_keep_alive.value_or(t.http_request));
      }
      break;
    case RequestPhase::Routing:
      break;  // the Connector's timers run
    case RequestPhase::Service:
      break;  // the control thread answers at once (a stop ends the session)
    case RequestPhase::Tarpit:
      return tarpit_until;
    case RequestPhase::Body:
    case RequestPhase::Done:
      if (request == RequestPhase::Body || output_pending) consider(deadline, client_active, t.client);
      if (t.server && server_reading(response)) consider(deadline, server_active, *t.server);
      break;
    case RequestPhase::Tunnel:
      consider(deadline, std::max(client_active, server_active), t.tunnel.value_or(t.client));
      break;
    case RequestPhase::Closing:
      if (linger_until) return linger_until;
      consider(deadline, client_active, t.client.count() > 0 ? t.client : kLinger * 10);
      break;
  }
  return deadline;
}

Expiry Transaction::expiry(common::TimePoint now, const TransactionTimeouts& t) const {
  if (request == RequestPhase::Body || request == RequestPhase::Done) {
    if (t.server && server_reading(response) && expired(now, server_active, *t.server)) {
      return response == ResponsePhase::Head ? Expiry::ServerHeadTimeout : Expiry::ServerDataTimeout;
    }
    const bool client_waited_on = request == RequestPhase::Body || output_pending;
    return client_waited_on && expired(now, client_active, t.client) ? Expiry::ClientDataTimeout : Expiry::None;
  }
  const auto deadline = next_deadline(t);
  if (!deadline || now < *deadline) return Expiry::None;
  switch (request) {
    case RequestPhase::Handshake:
      return Expiry::HandshakeTimeout;
    case RequestPhase::Idle:
      return Expiry::KeepAliveTimeout;
    case RequestPhase::Head:
      return Expiry::RequestTimeout;
    case RequestPhase::Tunnel:
      return client_active < server_active ? Expiry::TunnelClientTimeout : Expiry::TunnelServerTimeout;
    case RequestPhase::Closing:
      return Expiry::LingerDone;
    case RequestPhase::Tarpit:
      return Expiry::TarpitDone;
    case RequestPhase::Routing:
    case RequestPhase::Service:
    case RequestPhase::Body:
    case RequestPhase::Done:
      break;
  }
  return Expiry::None;
}

TerminationState termination_of(Expiry expiry) {
  switch (expiry) {
    case Expiry::HandshakeTimeout:
    case Expiry::KeepAliveTimeout:
    case Expiry::RequestTimeout:
      return {TerminationCause::ClientTimeout, SessionPhase::Request};
    case Expiry::ServerHeadTimeout:
      return {TerminationCause::ServerTimeout, SessionPhase::Headers};
    case Expiry::ServerDataTimeout:
    case Expiry::TunnelServerTimeout:
      return {TerminationCause::ServerTimeout, SessionPhase::Data};
    case Expiry::ClientDataTimeout:
    case Expiry::TunnelClientTimeout:
      return {TerminationCause::ClientTimeout, SessionPhase::Data};
    case Expiry::TarpitDone:
      return {TerminationCause::Proxy, SessionPhase::Tarpit};
    case Expiry::None:
    case Expiry::LingerDone:
      break;
  }
  return {};
}

bool close_client_after(const CloseFacts& facts) {
  return facts.draining || facts.http_close || !facts.request_keep_alive || facts.response_until_close ||
         !facts.request_complete;
}

bool is_idempotent(std::string_view method) {
  static constexpr std::array<std::string_view, 6> kIdempotent{"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"};
  return std::find(kIdempotent.begin(), kIdempotent.end(), method) != kIdempotent.end();
}

bool may_resend(const ResendFacts& facts) {
  return facts.connection_reused && !facts.response_bytes_seen && !facts.has_body && !facts.already_resent &&
         is_idempotent(facts.method);
}

bool may_take_pooled(std::string_view method, bool has_body, bool resending) {
  return !has_body && !resending && is_idempotent(method);
}

FailureResponse failure_response(Failure failure) {
  switch (failure) {
    case Failure::HeadTooLarge:
      return {431, {TerminationCause::Proxy, SessionPhase::Request}};
    case Failure::RequestTimeout:
      return {408, {TerminationCause::ClientTimeout, SessionPhase::Request}};
    case Failure::BadRequestBody:
      return {400, {TerminationCause::Proxy, SessionPhase::Data}};
    case Failure::NoBackend:
      return {503, {TerminationCause::Proxy, SessionPhase::Request}};
    case Failure::ServerTlsFailed:
      return {503, {TerminationCause::ServerAbort, SessionPhase::Connect}};
    case Failure::ServerClosedEarly:
    case Failure::TruncatedResponse:
      return {502, {TerminationCause::ServerAbort, SessionPhase::Headers}};
    case Failure::BadResponse:
      return {502, {TerminationCause::Proxy, SessionPhase::Headers}};
    case Failure::ServerTimeout:
      return {504, {TerminationCause::ServerTimeout, SessionPhase::Headers}};
  }
  return {500, {TerminationCause::Proxy, SessionPhase::None}};
}

}  // namespace proxyd::http
