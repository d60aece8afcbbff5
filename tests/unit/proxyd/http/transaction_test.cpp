#include "proxyd/core/http/transaction.h"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using proxyd::http::Expiry;
using proxyd::http::RequestPhase;
using proxyd::http::ResponsePhase;
using proxyd::http::Transaction;
using proxyd::http::TransactionTimeouts;
using proxyd::log::SessionPhase;
using proxyd::log::TerminationCause;

namespace {

TransactionTimeouts timeouts() {
  TransactionTimeouts t;
  t.http_request = 10s;
  t.client = 30s;
  t.server = std::chrono::milliseconds(20s);
  return t;
}

// A transaction whose times all start at <start>.
Transaction at(common::ManualClock& clock, RequestPhase request, ResponsePhase response = ResponsePhase::None) {
  Transaction txn;
  txn.request = request;
  txn.response = response;
  txn.request_started = txn.client_active = txn.server_active = txn.idle_since = clock.now();
  return txn;
}

}  // namespace

TEST_CASE("a request head must complete within timeout_http_request: 408", "[http][transaction]") {
  common::ManualClock clock;
  auto txn = at(clock, RequestPhase::Head);
  const auto t = timeouts();
  REQUIRE(txn.next_deadline(t) == clock.now() + 10s);
  clock.advance(9999ms);
  CHECK(txn.expiry(clock.now(), t) == Expiry::None);
  clock.advance(1ms);
  CHECK(txn.expiry(clock.now(), t) == Expiry::RequestTimeout);
  CHECK(proxyd::http::termination_of(Expiry::RequestTimeout).cause == TerminationCause::ClientTimeout);
  CHECK(proxyd::http::failure_response(proxyd::http::Failure::RequestTimeout).status == 408);
}

TEST_CASE("a TLS handshake is bounded by timeout_http_request too", "[http][transaction]") {
  common::ManualClock clock;
  auto txn = at(clock, RequestPhase::Handshake);
  clock.advance(10s);
  CHECK(txn.expiry(clock.now(), timeouts()) == Expiry::HandshakeTimeout);
}

TEST_CASE("keep-alive: the first request waits timeout_http_request, later ones timeout_http_keep_alive",
          "[http][transaction]") {
  common::ManualClock clock;
  auto t = timeouts();
  auto txn = at(clock, RequestPhase::Idle);
  CHECK(txn.next_deadline(t) == clock.now() + 10s);
  txn.completed = 1;
  clock.advance(3s);
  txn.idle_since = clock.now();
  CHECK(txn.next_deadline(t) == clock.now() + 10s);  // no keep-alive timeout: the request timeout
  t.http_keep_alive = std::chrono::milliseconds(2s);
  CHECK(txn.next_deadline(t) == clock.now() + 2s);
  clock.advance(2s);
  CHECK(txn.expiry(clock.now(), t) == Expiry::KeepAliveTimeout);
}

TEST_CASE("routing has no deadline of its own: the Connector's timers run", "[http][transaction]") {
  common::ManualClock clock;
  auto txn = at(clock, RequestPhase::Routing);
  CHECK_FALSE(txn.next_deadline(timeouts()).has_value());
  clock.advance(1h);
  CHECK(txn.expiry(clock.now(), timeouts()) == Expiry::None);
}

TEST_CASE("a silent server: 504 before the head, sD during the body", "[http][transaction]") {
  common::ManualClock clock;
  const auto t = timeouts();
  auto txn = at(clock, RequestPhase::Done, ResponsePhase::Head);
  // The request is in and nothing waits for the client: only the server's clock runs.
  REQUIRE(txn.next_deadline(t) == clock.now() + 20s);
  clock.advance(20s);
  CHECK(txn.expiry(clock.now(), t) == Expiry::ServerHeadTimeout);
  txn.response = ResponsePhase::Body;
  CHECK(txn.expiry(clock.now(), t) == Expiry::ServerDataTimeout);
  // Activity moves the deadline.
  txn.server_active = clock.now();
  CHECK(txn.expiry(clock.now(), t) == Expiry::None);
  CHECK(txn.next_deadline(t) == clock.now() + 20s);
}

TEST_CASE("a client that stops sending its body, or reading ours, times out with timeout_client",
          "[http][transaction]") {
  common::ManualClock clock;
  auto t = timeouts();
  t.server.reset();  // no backend chosen yet
  auto txn = at(clock, RequestPhase::Body, ResponsePhase::None);
  CHECK(txn.next_deadline(t) == clock.now() + 30s);
  clock.advance(30s);
  CHECK(txn.expiry(clock.now(), t) == Expiry::ClientDataTimeout);
  CHECK(proxyd::http::termination_of(Expiry::ClientDataTimeout).phase == SessionPhase::Data);

  auto done = at(clock, RequestPhase::Done, ResponsePhase::Done);
  CHECK_FALSE(done.next_deadline(t).has_value());  // nothing to wait for
  done.output_pending = true;                      // the client does not read the response
  CHECK(done.next_deadline(t) == clock.now() + 30s);
  clock.advance(30s);
  CHECK(done.expiry(clock.now(), t) == Expiry::ClientDataTimeout);
}

TEST_CASE("a tunnel times out on the later of both sides' activity, blaming the quieter one", "[http][transaction]") {
  common::ManualClock clock;
  auto t = timeouts();
  t.tunnel = std::chrono::milliseconds(60s);
  auto txn = at(clock, RequestPhase::Tunnel, ResponsePhase::Tunnel);
  clock.advance(5s);
  txn.server_active = clock.now();
  CHECK(txn.next_deadline(t) == clock.now() + 60s);
  clock.advance(59s);
  CHECK(txn.expiry(clock.now(), t) == Expiry::None);
  clock.advance(1s);
  CHECK(txn.expiry(clock.now(), t) == Expiry::TunnelClientTimeout);
  t.tunnel.reset();  // timeout_client applies
  CHECK(txn.next_deadline(t) == txn.server_active + 30s);
}

TEST_CASE("closing: the linger ends the connection; before it, timeout_client bounds the flush",
          "[http][transaction]") {
  common::ManualClock clock;
  auto t = timeouts();
  auto txn = at(clock, RequestPhase::Closing);
  CHECK(txn.next_deadline(t) == clock.now() + 30s);
  t.client = common::Duration(0);
  CHECK(txn.next_deadline(t) == clock.now() + proxyd::http::kLinger * 10);
  txn.linger_until = clock.now() + proxyd::http::kLinger;
  CHECK(txn.next_deadline(t) == txn.linger_until);
  clock.advance(proxyd::http::kLinger);
  CHECK(txn.expiry(clock.now(), t) == Expiry::LingerDone);
}

TEST_CASE("the client connection closes after a response as HAProxy decides", "[http][transaction]") {
  using proxyd::http::close_client_after;
  using proxyd::http::CloseFacts;
  CHECK_FALSE(close_client_after(CloseFacts{}));
  CHECK(close_client_after(CloseFacts{.draining = true}));
  CHECK(close_client_after(CloseFacts{.http_close = true}));
  CHECK(close_client_after(CloseFacts{.request_keep_alive = false}));
  CHECK(close_client_after(CloseFacts{.response_until_close = true}));
  CHECK(close_client_after(CloseFacts{.request_complete = false}));  // answered before the body was in
}

TEST_CASE("only idempotent bodiless requests are sent again after a reused connection closed (RFC 9110 9.2.2)",
          "[http][transaction]") {
  using proxyd::http::may_resend;
  using proxyd::http::ResendFacts;
  for (const char* method : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    INFO(method);
    CHECK(may_resend({.method = method, .connection_reused = true}));
  }
  for (const char* method : {"POST", "PATCH", "CONNECT", "LOCK", "get"}) {
    INFO(method);
    CHECK_FALSE(may_resend({.method = method, .connection_reused = true}));
  }
  CHECK_FALSE(may_resend({.method = "GET", .connection_reused = false}));  // a new connection: a real failure
  CHECK_FALSE(may_resend({.method = "GET", .has_body = true, .connection_reused = true}));
  CHECK_FALSE(may_resend({.method = "GET", .connection_reused = true, .response_bytes_seen = true}));
  CHECK_FALSE(may_resend({.method = "GET", .connection_reused = true, .already_resent = true}));  // once only

  using proxyd::http::may_take_pooled;
  CHECK(may_take_pooled("GET", false, false));
  CHECK_FALSE(may_take_pooled("POST", false, false));  // could not be re-sent if the pooled one died
  CHECK_FALSE(may_take_pooled("PUT", true, false));
  CHECK_FALSE(may_take_pooled("GET", false, true));  // the re-send goes on a fresh connection
}

TEST_CASE("each failure has HAProxy's status and termination state", "[http][transaction]") {
  using proxyd::http::Failure;
  using proxyd::http::failure_response;
  CHECK(failure_response(Failure::HeadTooLarge).status == 431);
  CHECK(failure_response(Failure::BadRequestBody).status == 400);
  CHECK(failure_response(Failure::NoBackend).status == 503);
  CHECK(failure_response(Failure::ServerTlsFailed).termination.phase == SessionPhase::Connect);
  CHECK(failure_response(Failure::ServerClosedEarly).status == 502);
  CHECK(failure_response(Failure::ServerClosedEarly).termination.cause == TerminationCause::ServerAbort);
  CHECK(failure_response(Failure::BadResponse).termination.cause == TerminationCause::Proxy);
  CHECK(failure_response(Failure::ServerTimeout).status == 504);
  CHECK(to_string(failure_response(Failure::ServerTimeout).termination) == "sH");
}

TEST_CASE("a tarpitted request is held until tarpit_until, then answered (PT)", "[http][transaction]") {
  common::ManualClock clock;
  auto txn = at(clock, RequestPhase::Tarpit);
  txn.tarpit_until = clock.now() + 2s;
  CHECK(txn.next_deadline(timeouts()) == clock.now() + 2s);  // not timeout_http_request's 10s
  clock.advance(1999ms);
  CHECK(txn.expiry(clock.now(), timeouts()) == Expiry::None);
  clock.advance(1ms);
  CHECK(txn.expiry(clock.now(), timeouts()) == Expiry::TarpitDone);
  const auto state = proxyd::http::termination_of(Expiry::TarpitDone);
  CHECK(state.cause == TerminationCause::Proxy);
  CHECK(state.phase == SessionPhase::Tarpit);
}
