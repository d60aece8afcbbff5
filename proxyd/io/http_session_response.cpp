// HttpSession: the response side (the server's head and body, the tunnel)
// and the end of a transaction, of the tunnel or of a final response.
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "proxyd/core/balance/request_hash.h"
#include "proxyd/core/http/cookie_persistence.h"
#include "proxyd/core/http/head_editor.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/log/access_log_policy.h"
#include "proxyd/io/http_session.h"
#include "proxyd/io/http_session_internal.h"
#include "proxyd/io/tls/tls_context.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using namespace http_detail;

bool HttpSession::write_server() {
  if (!server_ || connector_.connecting()) return false;
  if (!server_handshake_done_) {
    const auto r = server_->handshake();
    server_handshake_wants_ = 0;
    if (r.status == Status::Ok) {
      server_handshake_done_ = true;
      return true;
    }
    if (r.status == Status::WantRead) server_handshake_wants_ = EV_READ;
    if (r.status == Status::WantWrite) server_handshake_wants_ = EV_WRITE;
    if (r.status == Status::Failed || r.status == Status::Closed) {
      worker_.limiter().log(worker_.logger(), Level::Warning, "tls server " + record_.server,
                            fmt::format("{}/{}: SSL handshake with the server failed", record_.backend, record_.server),
                            worker_.loop().now());
      if (server_of_connection_)
        server_of_connection_->live->counters.add(counter_slot(), ServerCounter::ConnectErrors);
      close_server(false);
      respond_failure(http::Failure::ServerTlsFailed);
      return true;
    }
    return false;
  }
  if (to_server_.empty()) {
    if (txn_.request == RequestPhase::Tunnel && client_eof_ && !server_shut_) {
      server_->shutdown_write();
      server_shut_ = true;
      return true;
    }
    return false;
  }
  const auto r = server_->write(to_server_.view());
  switch (r.status) {
    case Status::Ok:
      to_server_.consume(r.bytes);
      txn_.server_active = worker_.loop().now();
      // Nothing can answer a request before it is sent: the first response
      // byte will wake the server watcher (level-triggered), no need to try.
      if (txn_.response == ResponsePhase::Head && server_in_.empty() && !server_->has_buffered_input()) {
        server_drained_ = true;
      }
      if (to_server_.empty()) to_server_.release();
      return true;
    case Status::WantRead:
    case Status::WantWrite:
      return false;
    case Status::Closed:
    case Status::Failed:
      server_eof_ = true;
      to_server_.clear();
      return true;
  }
  return false;
}

bool HttpSession::read_server() {
  if (!server_ || !server_handshake_done_ || server_eof_ || connector_.connecting()) return false;
  std::size_t room = 0;
  switch (txn_.response) {
    case ResponsePhase::Head: {
      const std::size_t limit = fe_settings_.max_header_size;
      room = server_in_.size() < limit ? std::min(limit - server_in_.size(), server_in_.tail_room()) : 0;
      break;
    }
    case ResponsePhase::Body:
    case ResponsePhase::Tunnel:
      // Double buffering: one block fills from the server while the other
      // drains to the client, then they swap (no copy on a bulk body).
      if (to_client_.size() < kMaxPending) {
        if (server_in_.empty()) server_in_.reserve_tail(kBodyChunk);
        room = std::min(kBodyChunk, server_in_.tail_room());
      }
      break;
    case ResponsePhase::None:
    case ResponsePhase::Done: {
      // An idle kept connection: anything readable is the server closing it
      // (or talking out of turn, equally fatal).
      if (txn_.request == RequestPhase::Routing || server_drained_) return false;
      char probe[1];
      const auto r = server_->read(std::span<char>(probe, 1));
      if (r.status == Status::WantRead || r.status == Status::WantWrite) {
        server_drained_ = r.status == Status::WantRead;
        return false;
      }
      close_server(false);
      return true;
    }
  }
  if (room == 0) return false;
  if (server_drained_ && !server_->has_buffered_input()) return false;
  auto tail = server_in_.tail();
  const auto wanted = std::min(room, tail.size());
  const auto r = server_->read(tail.first(wanted));
  server_read_wants_write_ = r.status == Status::WantWrite;
  server_drained_ = r.status == Status::WantRead || (r.status == Status::Ok && r.bytes < wanted);
  switch (r.status) {
    case Status::Ok:
      server_in_.commit(r.bytes);
      txn_.server_active = worker_.loop().now();
      response_bytes_seen_ = true;
      return true;
    case Status::WantRead:
    case Status::WantWrite:
      return false;
    case Status::Closed:
    case Status::Failed:
      server_eof_ = true;
      return true;
  }
  return false;
}

bool HttpSession::process_response() {
  switch (txn_.response) {
    case ResponsePhase::Head: {
      if (server_in_.empty() && server_eof_) {
        // Closed before answering. A reused connection may simply have been
        // closed by the server while idle: an idempotent request without a
        // body goes again on a new connection, chosen with the same key.
        if (http::may_resend({.method = method_,
                              .has_body = request_has_body_,
                              .connection_reused = server_reused_,
                              .response_bytes_seen = response_bytes_seen_,
                              .already_resent = retrying_})) {
          retrying_ = true;
          close_server(false);
          connector_.release_slot();
          txn_.request = RequestPhase::Routing;
          txn_.response = ResponsePhase::None;
          connector_.start(connector_target(request_key_), [](ServerShared&) { return false; });
          return true;
        }
        count_server_error(health::Observation::HttpServerClosed);
        respond_failure(http::Failure::ServerClosedEarly);
        return true;
      }
      if (server_in_.empty()) return false;
      const auto r = response_parser_.parse(server_in_.view());
      if (r.status == http::HeadResult::Status::NeedMore) {
        if (server_eof_ || server_in_.size() >= fe_settings_.max_header_size) {
          count_server_error(health::Observation::HttpTruncated);
          respond_failure(http::Failure::TruncatedResponse);
          return true;
        }
        return false;
      }
      if (r.status == http::HeadResult::Status::Error) {
        count_server_error(health::Observation::HttpInvalid);
        worker_.limiter().log(worker_.logger(), Level::Warning, "bad response " + record_.backend,
                              fmt::format("{}/{}: invalid response: {}", record_.backend, record_.server, r.error),
                              worker_.loop().now());
        respond_failure(http::Failure::BadResponse);
        return true;
      }
      response_head_length_ = r.consumed;
      response_head_complete();
      // The body bytes that came with the head leave with it, in one write.
      if (txn_.response == ResponsePhase::Body) forward_response_body();
      return true;
    }
    case ResponsePhase::Body:
      return forward_response_body();
    case ResponsePhase::Tunnel:
      return move_all(server_in_, to_client_);
    default:
      return false;
  }
}

void HttpSession::count_server_error(std::optional<health::Observation> observed) {
  if (auto* server = connector_.server()) {
    server->live->counters.add(counter_slot(), ServerCounter::ResponseErrors);
  }
  if (observed) observe_server(*observed);
}

void HttpSession::observe_server(health::Observation observed) {
  if (auto* server = connector_.server()) observe(*server, generation_->error_reports, observed);
}

void HttpSession::response_head_complete() {
  const auto& head = response_parser_.head();
  const int status = head.status;
  if (status >= 100 && status < 200 && status != 101) {
    // Interim (100 Continue, 103 Early Hints): passed on as is; the final
    // response follows.
    to_client_.append(server_in_.view().substr(0, response_head_length_));
    server_in_.consume(response_head_length_);
    response_parser_.reset();
    response_parser_.set_request_method(method_);
    server_in_.reserve_tail(fe_settings_.max_header_size);
    return;
  }
  if (status == 101 && !request_upgrade_) {
    count_server_error(health::Observation::HttpInvalid);
    respond_failure(http::Failure::BadResponse);
    return;
  }
  observe_server(health::observe_status(status));
  const auto& fe = fe_settings_;
  const auto& be = backend_->config.settings;
  if (status == 101) {
    record_.status = status;
    record_.response_time = since(request_sent_);
    count_response(status);
    to_client_.append(server_in_.view().substr(0, response_head_length_));
    server_in_.consume(response_head_length_);
    start_tunnel();
    return;
  }
  close_client_after_ = http::close_client_after({.draining = draining_,
                                                  .http_close = fe.http_close || be.http_close,
                                                  .request_keep_alive = request_keep_alive_,
                                                  .response_until_close = head.framing == http::BodyFraming::UntilClose,
                                                  .request_complete = txn_.request == RequestPhase::Done});
  if (!head.keep_alive || head.framing == http::BodyFraming::UntilClose) close_server_after_ = true;

  capture_headers(frontend_.config.capture_response_headers, head, record_.response_captures);
  response_head_.reset(head, server_in_.view().substr(0, response_head_length_));
  response_head_seen_ = true;
  if (!run_response_actions()) return;
  const auto& edited = response_head_.head();
  record_.status = edited.status;  // after set-status, as HAProxy logs it
  record_.response_time = since(request_sent_);
  count_response(edited.status);
  http::HeadEditor editor(edited);
  http::remove_hop_by_hop(editor, false);
  if (&be != &fe) editor.apply(be.response_header_rules);
  editor.apply(fe.response_header_rules);
  if (be.cookie) {
    auto* server = connector_.server();
    const auto cookie = server != nullptr ? server_cookie(*server, be) : std::string();
    if (!cookie.empty()) {
      http::apply_response_cookie(*be.cookie, cookie, insert_cookie_, editor);
      if (insert_cookie_) record_.cookie_response = 'I';
    }
  }
  if (close_client_after_) {
    editor.set("Connection", "close");
  } else if (request_parser_.head().version_minor == 0) {
    editor.set("Connection", "keep-alive");
  }
  std::string& out = scratch_;
  out.clear();
  editor.serialize_response(head.version_minor, edited.status, edited.reason, out);
  to_client_.append(out);
  server_in_.consume(response_head_length_);

  response_body_.start(head);
  txn_.response = response_body_.done() ? ResponsePhase::Done : ResponsePhase::Body;
}

bool HttpSession::forward_response_body() {
  // A bulk body waits for the client side to drain, then moves by swapping
  // blocks; a small one joins what is pending (the head) for one write.
  if (!to_client_.empty() && to_client_.size() + server_in_.size() > kBodyChunk && !server_eof_) return false;
  const auto step = response_body_.feed(server_in_.view(), server_eof_);
  if (!step.error.empty() || step.cut_short) {
    // A broken or truncated body: the client can only be told by a close.
    count_server_error(step.cut_short ? health::Observation::HttpServerClosed : health::Observation::HttpInvalid);
    move_bytes(server_in_, to_client_, step.body_bytes);
    close_client_after_ = true;
    finish({step.cut_short ? TerminationCause::ServerAbort : TerminationCause::Proxy, SessionPhase::Data});
    return false;
  }
  move_bytes(server_in_, to_client_, step.body_bytes);
  if (step.done) txn_.response = ResponsePhase::Done;
  return step.body_bytes > 0 || step.done;
}

void HttpSession::start_tunnel() {
  txn_.request = RequestPhase::Tunnel;
  txn_.response = ResponsePhase::Tunnel;
  close_server_after_ = true;
  close_client_after_ = true;
  // Anything the client sent after its head already belongs to the tunnel.
  move_bytes(client_in_, to_server_, client_in_.size());
}

bool HttpSession::write_client() {
  if (to_client_.empty() || txn_.request == RequestPhase::Handshake) return false;
  const auto r = client_->write(to_client_.view());
  switch (r.status) {
    case Status::Ok:
      to_client_.consume(r.bytes);
      record_.bytes_to_client += r.bytes;
      txn_.client_active = worker_.loop().now();
      if (to_client_.empty()) to_client_.release();
      return true;
    case Status::WantRead:
    case Status::WantWrite:
      return false;
    case Status::Closed:
    case Status::Failed:
      to_client_.clear();
      client_eof_ = true;
      finish({TerminationCause::ClientAbort,
              txn_.response == ResponsePhase::None ? SessionPhase::Request : SessionPhase::Data});
      return false;
  }
  return false;
}

bool HttpSession::end_of_transaction() {
  if (txn_.request == RequestPhase::Closing) {
    if (!to_client_.empty()) return false;
    if (!client_shut_) {
      client_->shutdown_write();
      client_shut_ = true;
      txn_.linger_until = worker_.loop().now() + http::kLinger;
      return true;
    }
    return false;
  }
  if (txn_.request == RequestPhase::Tunnel) {
    if (client_eof_ && server_eof_ && client_in_.empty() && server_in_.empty() && to_client_.empty() &&
        to_server_.empty()) {
      finish({TerminationCause::Normal, SessionPhase::None});
    } else if (server_eof_ && server_in_.empty() && to_client_.empty() && !client_shut_) {
      client_->shutdown_write();
      client_shut_ = true;
    }
    return false;
  }
  if (txn_.response == ResponsePhase::Done && to_client_.empty() && txn_.request == RequestPhase::Body &&
      close_client_after_) {
    // The server answered before the request body was in (an early 413 or
    // 401, say): the rest of the body is not worth reading, and without it
    // the connection cannot carry another request (nor can the server's).
    close_server_after_ = true;
    finish({TerminationCause::Normal, SessionPhase::None});
    return false;
  }
  if (txn_.request != RequestPhase::Done || txn_.response != ResponsePhase::Done || !to_client_.empty()) return false;
  log_transaction({TerminationCause::Normal, SessionPhase::None});
  ++txn_.completed;
  connector_.release_slot();
  if (backend_) {
    backend_->active.fetch_sub(1, memory_order_relaxed);
    backend_ = nullptr;
  }
  if (close_server_after_ || server_eof_ || draining_) close_server(false);
  if (close_client_after_ || draining_) {
    finish({TerminationCause::Normal, SessionPhase::None}, false);
    return false;
  }
  // The next request's bytes, if any already wait, wake the client watcher
  // (level-triggered): no read to try before.
  if (client_in_.empty() && !client_->has_buffered_input()) client_drained_ = true;
  // Between requests a connection keeps no buffer.
  client_in_.release();
  server_in_.release();
  to_server_.release();
  to_client_.release();
  begin_request();
  // A pipelined request may already be waiting.
  if (!client_in_.empty()) {
    txn_.request = RequestPhase::Head;
    txn_.request_started = worker_.loop().now();
    record_.accepted = wall_now(worker_.utc_offset());
  }
  return true;
}

void HttpSession::close_server(bool reusable) {
  if (!server_) return;
  server_watcher_.stop();
  if (reusable && server_of_connection_ != nullptr && !server_eof_ && to_server_.empty() && server_in_.empty() &&
      server_handshake_done_) {
    const auto& be = backend_ ? backend_->config.settings : fe_settings_;
    worker_.server_pool().put(*server_of_connection_, {std::move(server_fd_), std::move(server_), server_epoch_},
                              be.timeout_server.count() > 0 ? be.timeout_server : common::Duration(10'000));
  }
  server_.reset();
  server_fd_.reset();
  server_of_connection_ = nullptr;
  server_eof_ = false;
  server_drained_ = false;
  server_shut_ = false;
  server_reused_ = false;
  server_in_.clear();
  server_in_.release();
  to_server_.clear();
  to_server_.release();
}

const http::ErrorPages& HttpSession::error_pages() const {
  return backend_ ? backend_->error_pages : frontend_.error_pages;
}

void HttpSession::respond_failure(http::Failure failure) {
  const auto r = http::failure_response(failure);
  respond_error(r.status, r.termination);
}

void HttpSession::respond_error(int status, TerminationState termination) {
  respond_and_close(status, error_pages().response(status), termination);
}

void HttpSession::respond_and_close(int status, const std::string& response, TerminationState termination) {
  if (finished_) return;
  connector_.cancel();
  if (txn_.response == ResponsePhase::Body || txn_.response == ResponsePhase::Tunnel || !to_client_.empty()) {
    // Part of a response already went out: only closing can tell the client.
    finish(termination);
    return;
  }
  record_.status = status;
  count_response(status);
  if (status >= 500 && status != 501 && status != 505) {
    // The server never got a clean exchange: do not keep its connection.
    close_server(false);
  } else {
    close_server(true);
  }
  // A response to HEAD has no body (RFC 9110 9.3.2), proxyd's own answers
  // included: the head alone, its Content-Length kept (as HAProxy sends it).
  const bool head = request_head_seen_ && request_head_.head().method == "HEAD";
  const auto end = head ? response.find("\r\n\r\n") : std::string::npos;
  to_client_.append(end == std::string::npos ? std::string_view(response)
                                             : std::string_view(response).substr(0, end + 4));
  pending_termination_ = termination;
  close_client_after_ = true;
  txn_.request = RequestPhase::Closing;
  txn_.response = ResponsePhase::None;
  client_in_.clear();
}

void HttpSession::count_response(int status) {
  frontend_.counters.add(counter_slot(), http_class_counter<FrontendCounter>(status));
  if (auto* server = connector_.server()) {
    server->live->counters.add(counter_slot(), http_class_counter<ServerCounter>(status));
  }
}

}  // namespace proxyd::io
