// HttpSession: what it waits for (the watchers' interests, the one timer
// of the transaction's phases) and option abortonclose's watch for a client
// that leaves while its request waits for a server.
#include <fmt/format.h>
#include <sys/socket.h>

#include <cerrno>

#include "proxyd/io/http_session.h"
#include "proxyd/io/http_session_internal.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using namespace http_detail;

void HttpSession::update_interest() {
  int client_events = 0;
  if (txn_.request == RequestPhase::Handshake) {
    client_events = client_handshake_wants_ != 0 ? client_handshake_wants_ : EV_READ;
  } else {
    if (!client_eof_ && (client_read_room() > 0 || watching_for_abort())) client_events |= EV_READ;
    if (!to_client_.empty() || client_read_wants_write_) client_events |= EV_WRITE;
  }
  client_watcher_.update(client_fd_.get(), client_events);

  int server_events = 0;
  if (server_ && !connector_.connecting()) {
    if (!server_handshake_done_) {
      server_events = server_handshake_wants_ != 0 ? server_handshake_wants_ : EV_WRITE;
    } else {
      const bool reading = txn_.response == ResponsePhase::Head || txn_.response == ResponsePhase::Body ||
                           txn_.response == ResponsePhase::Tunnel;
      const bool idle = txn_.response == ResponsePhase::None || txn_.response == ResponsePhase::Done;
      if (!server_eof_ &&
          ((reading && to_client_.size() < kMaxPending) || (idle && txn_.request != RequestPhase::Routing))) {
        server_events |= EV_READ;
      }
      if (!to_server_.empty() || server_read_wants_write_ ||
          (txn_.request == RequestPhase::Tunnel && client_eof_ && !server_shut_)) {
        server_events |= EV_WRITE;
      }
    }
  }
  if (server_events != 0) {
    server_watcher_.update(server_fd_.get(), server_events);
  } else {
    server_watcher_.stop();
  }
}

http::TransactionTimeouts HttpSession::timeouts() const {
  const auto& fe = fe_settings_;
  http::TransactionTimeouts t;
  t.http_request = fe.timeout_http_request;
  t.http_keep_alive = fe.timeout_http_keep_alive;
  t.client = fe.timeout_client;
  t.tunnel = fe.timeout_tunnel;
  if (backend_) t.server = backend_->config.settings.timeout_server;
  return t;
}

// The one deadline of the current phases (http::Transaction).
void HttpSession::arm_timer() {
  txn_.output_pending = !to_client_.empty();
  if (const auto deadline = txn_.next_deadline(timeouts())) {
    timer_.start_at(*deadline);
  } else {
    timer_.stop();
  }
}

void HttpSession::on_timeout() {
  if (finished_) return;
  txn_.output_pending = !to_client_.empty();
  const auto expiry = txn_.expiry(worker_.loop().now(), timeouts());
  switch (expiry) {
    case http::Expiry::None:
      break;
    case http::Expiry::HandshakeTimeout:
      finish(http::termination_of(expiry), false);
      return;
    case http::Expiry::KeepAliveTimeout:
      // Nothing was asked: close quietly (a keep-alive connection's end).
      finish(http::termination_of(expiry), txn_.completed == 0 && !fe_settings_.dontlognull);
      return;
    case http::Expiry::RequestTimeout:
      frontend_.counters.add(counter_slot(), FrontendCounter::RequestErrors);
      record_.uri = "<BADREQ>";
      respond_failure(http::Failure::RequestTimeout);
      break;
    case http::Expiry::ServerHeadTimeout:
      count_server_error(health::Observation::HttpReadTimeout);
      respond_failure(http::Failure::ServerTimeout);
      break;
    case http::Expiry::ServerDataTimeout:
    case http::Expiry::ClientDataTimeout:
    case http::Expiry::TunnelClientTimeout:
    case http::Expiry::TunnelServerTimeout:
      finish(http::termination_of(expiry));
      return;
    case http::Expiry::LingerDone:
      finish(pending_termination_);
      return;
    case http::Expiry::TarpitDone:
      end_tarpit();
      break;
  }
  drive();
}

// option abortonclose: while the request waits in the queue or for the
// server's connection, the client is watched for a close.
bool HttpSession::watching_for_abort() const {
  return txn_.request == RequestPhase::Routing && backend_ != nullptr && backend_->config.settings.abortonclose &&
         !client_eof_ && !client_sent_more_ && (connector_.queued() || connector_.connecting());
}

// The head read so far stays in place (parsed views into it are alive):
// the socket is peeked, not read. EOF: not served (CQ/CC); data (a body,
// a pipelined request, a TLS record): the client is still there.
void HttpSession::peek_client_close() {
  char byte = 0;
  const ssize_t n = client_->has_buffered_input() ? 1 : ::recv(client_fd_.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) {
    client_sent_more_ = true;
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    client_eof_ = true;
    finish({TerminationCause::ClientAbort, connector_.queued() ? SessionPhase::Queue : SessionPhase::Connect});
  }
}

}  // namespace proxyd::io
