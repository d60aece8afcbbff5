#include "proxyd/io/http_session.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "proxyd/core/balance/request_hash.h"
#include "proxyd/core/http/cookie_persistence.h"
#include "proxyd/core/http/head_editor.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/log/access_log_policy.h"
#include "proxyd/io/http_session_internal.h"
#include "proxyd/io/tls/tls_context.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using namespace http_detail;

HttpSession::HttpSession(Worker& worker, GenerationPtr generation, FrontendShared& frontend,
                         common::io::UniqueFd client, const common::net::Endpoint& client_address,
                         const common::net::Endpoint& local_address, std::shared_ptr<const TlsServerContext> tls)
    : worker_(worker),
      generation_(std::move(generation)),
      frontend_(frontend),
      fe_settings_(frontend.config.settings),
      client_fd_(std::move(client)),
      client_address_(client_address),
      local_address_(local_address),
      tls_(std::move(tls)),
      request_parser_(http::MessageKind::Request, {fe_settings_.max_header_size, fe_settings_.max_headers}),
      response_parser_(http::MessageKind::Response, {fe_settings_.max_header_size, fe_settings_.max_headers}),
      client_in_(worker.buffers()),
      to_server_(worker.buffers()),
      server_in_(worker.buffers()),
      to_client_(worker.buffers()),
      accepted_(worker.loop().now()),
      client_watcher_(worker.loop(),
                      [this](int revents) {
                        if ((revents & EV_READ) != 0) client_drained_ = false;
                        drive();
                      }),
      server_watcher_(worker.loop(),
                      [this](int revents) {
                        if ((revents & EV_READ) != 0) server_drained_ = false;
                        drive();
                      }),
      timer_(worker.loop(), [this] { on_timeout(); }),
      connector_(worker, *this, record_, [this](std::optional<TerminationState> f) { on_connector(f); }) {
  record_.client = client_address;
  record_.accepted = wall_now(worker.utc_offset());
  record_.frontend = frontend.config.name;
  record_.backend = frontend.config.name;
  vars_ = sample::Variables(&generation_->config.library->proc_variables);
  frontend.counters.add(counter_slot(), FrontendCounter::Sessions);
  raise_max(frontend.active_max, frontend.active.load(memory_order_relaxed));
}

HttpSession::~HttpSession() {
  if (!counts_released_) {
    counts_released_ = true;
    frontend_.active.fetch_sub(1, memory_order_relaxed);
    worker_.process().connections.fetch_sub(1, memory_order_relaxed);
  }
}

std::size_t HttpSession::counter_slot() const {
  return static_cast<std::size_t>(worker_.index());
}

common::Duration HttpSession::since(common::TimePoint t) const {
  return std::chrono::duration_cast<common::Duration>(worker_.loop().now() - t);
}

void HttpSession::start() {
  const auto& rules = frontend_.config.tcp_request;
  for (const auto stage : {tcp::Stage::Connection, tcp::Stage::Session}) {
    if (!tcp::has_stage(rules, stage)) continue;
    auto ctx = rule_context();
    if (tcp::run_tcp_rules(rules, stage, ctx).verdict == tcp::Verdict::Reject) {
      // `tcp-request connection reject` closes unlogged; a session reject is logged.
      finish({TerminationCause::Proxy, SessionPhase::Request}, stage == tcp::Stage::Session);
      return;
    }
  }
  const int on = 1;
  ::setsockopt(client_fd_.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  client_ = tls_ ? tls_->accept(client_fd_.get()) : make_plain_stream(client_fd_.get());
  txn_.request_started = accepted_;
  txn_.client_active = accepted_;
  if (tls_) {
    txn_.request = RequestPhase::Handshake;
  } else {
    begin_request();
  }
  drive();
}

// An idle connection closes now; a busy one says Connection: close on its
// current response and closes after it.
void HttpSession::drain() {
  if (finished_) return;
  draining_ = true;
  if (txn_.request == RequestPhase::Idle && client_in_.empty()) {
    finish({TerminationCause::Normal, SessionPhase::None}, false);
    return;
  }
  if (txn_.response == ResponsePhase::None || txn_.response == ResponsePhase::Head) close_client_after_ = true;
}

void HttpSession::kill() {
  finish({TerminationCause::Killed, SessionPhase::Data});
}

void HttpSession::shut_down_for(const ServerLive* server) {
  const auto* s = server_of_connection_ != nullptr ? server_of_connection_ : connector_.server();
  if (s == nullptr || s->live.get() != server) return;
  finish({TerminationCause::ServerDown, SessionPhase::Data});
}

// ---------------------------------------------------------------------------
// The driver: every step moves what it can; the loop repeats while anything
// moved, then the watchers follow what each side waits for.

void HttpSession::drive() {
  // In data-flow order: client in, request out, response in, response out.
  static constexpr bool (HttpSession::*kSteps[])() = {
      &HttpSession::handshake,    &HttpSession::read_client,        &HttpSession::process_request,
      &HttpSession::write_server, &HttpSession::read_server,        &HttpSession::process_response,
      &HttpSession::write_client, &HttpSession::end_of_transaction,
  };
  if (finished_ || in_drive_) return;
  in_drive_ = true;
  bool progress = true;
  for (int round = 0; round < 64 && progress && !finished_; ++round) {
    progress = false;
    for (const auto step : kSteps) {
      progress |= (this->*step)();
      if (finished_) break;
    }
  }
  in_drive_ = false;
  if (finished_) return;
  update_interest();
  arm_timer();
}

bool HttpSession::handshake() {
  if (txn_.request != RequestPhase::Handshake) return false;
  const auto r = client_->handshake();
  client_handshake_wants_ = 0;
  switch (r.status) {
    case Status::Ok:
      begin_request();
      return true;
    case Status::WantRead:
      client_handshake_wants_ = EV_READ;
      return false;
    case Status::WantWrite:
      client_handshake_wants_ = EV_WRITE;
      return false;
    case Status::Closed:
    case Status::Failed:
      worker_.limiter().log(
          worker_.logger(), Level::Notice, "tls handshake " + frontend_.config.name,
          fmt::format("{}: SSL handshake failure from {}", frontend_.config.name, client_address_.to_string()),
          worker_.loop().now());
      finish({TerminationCause::ClientAbort, SessionPhase::Request}, false);
      return false;
  }
  return false;
}

void HttpSession::begin_request() {
  txn_.request = RequestPhase::Idle;
  client_sent_more_ = false;
  txn_.response = ResponsePhase::None;
  request_parser_.reset();
  // A pipelined request already waiting gets its room now; an idle
  // connection holds no buffer until bytes arrive (read_client).
  if (!client_in_.empty())
    client_in_.reserve_tail(fe_settings_.max_header_size -
                            std::min<std::size_t>(client_in_.size(), fe_settings_.max_header_size));
  if (txn_.completed > 0) txn_.idle_since = worker_.loop().now();
}

std::size_t HttpSession::client_read_room() const {
  switch (txn_.request) {
    case RequestPhase::Idle:
    case RequestPhase::Done: {
      // Done: a pipelined request may be read ahead (no view into the
      // buffer is alive), and the client watcher stays as it is between
      // requests (no epoll_ctl per request).
      const std::size_t limit = fe_settings_.max_header_size;
      return client_in_.size() < limit ? limit - client_in_.size() : 0;
    }
    case RequestPhase::Head: {
      // The head is parsed in place: it must not move, so it grows only
      // into the room reserved when it began (a full buffer is a 431).
      const std::size_t limit = fe_settings_.max_header_size;
      return client_in_.size() < limit ? std::min(limit - client_in_.size(), client_in_.tail_room()) : 0;
    }
    case RequestPhase::Body:
    case RequestPhase::Tunnel:
      return to_server_.size() < kMaxPending && client_in_.size() < kMaxPending ? kReadChunk : 0;
    case RequestPhase::Closing:
      return kReadChunk;
    default:
      return 0;
  }
}

bool HttpSession::read_client() {
  if (client_eof_ || txn_.request == RequestPhase::Handshake) return false;
  // A short read emptied the socket: no read until it is readable again
  // (saves an EAGAIN read per request).
  if (client_drained_ && !client_->has_buffered_input()) return false;
  const std::size_t room = client_read_room();
  if (room == 0) return false;
  if (txn_.request != RequestPhase::Head) client_in_.reserve_tail(room);
  auto tail = client_in_.tail();
  const auto wanted = std::min(room, tail.size());
  const auto r = client_->read(tail.first(wanted));
  client_read_wants_write_ = r.status == Status::WantWrite;
  client_drained_ = r.status == Status::WantRead || (r.status == Status::Ok && r.bytes < wanted);
  switch (r.status) {
    case Status::Ok:
      txn_.client_active = worker_.loop().now();
      if (txn_.request == RequestPhase::Closing) return true;  // lingering: dropped
      client_in_.commit(r.bytes);
      record_.bytes_from_client += r.bytes;
      if (txn_.request == RequestPhase::Idle) {
        txn_.request = RequestPhase::Head;
        if (txn_.completed > 0) {
          txn_.request_started = worker_.loop().now();
          record_.accepted = wall_now(worker_.utc_offset());
        }
      }
      return true;
    case Status::WantRead:
    case Status::WantWrite:
      client_in_.release();  // nothing came: an idle connection keeps no buffer
      return false;
    case Status::Closed:
    case Status::Failed:
      client_eof_ = true;
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Request side.

bool HttpSession::process_request() {
  switch (txn_.request) {
    case RequestPhase::Idle:
      if (client_eof_) {
        // Closed between requests: no line. A connection that never asked
        // is logged as HAProxy logs it (400, CR, <BADREQ>) unless dontlognull.
        const bool never_asked = txn_.completed == 0;
        if (never_asked) {
          record_.uri = "<BADREQ>";
          record_.status = 400;
        }
        finish({TerminationCause::ClientAbort, SessionPhase::Request}, never_asked);
      }
      return false;
    case RequestPhase::Head: {
      const auto r = request_parser_.parse(client_in_.view());
      switch (r.status) {
        case http::HeadResult::Status::NeedMore:
          if (client_in_.size() >= fe_settings_.max_header_size) {
            frontend_.counters.add(counter_slot(), FrontendCounter::RequestErrors);
            record_.uri = "<BADREQ>";
            respond_failure(http::Failure::HeadTooLarge);
            return true;
          }
          if (client_eof_) {
            record_.uri = "<BADREQ>";
            finish({TerminationCause::ClientAbort, SessionPhase::Request});
          }
          return false;
        case http::HeadResult::Status::Error:
          frontend_.counters.add(counter_slot(), FrontendCounter::RequestErrors);
          record_.uri = "<BADREQ>";
          worker_.limiter().log(
              worker_.logger(), Level::Notice, "bad request " + frontend_.config.name,
              fmt::format("{}: bad request from {}: {}", frontend_.config.name, client_address_.to_string(), r.error),
              worker_.loop().now());
          respond_error(r.http_status, {TerminationCause::Proxy, SessionPhase::Request});
          return true;
        case http::HeadResult::Status::Done:
          head_length_ = r.consumed;
          head_complete();
          if (txn_.request == RequestPhase::Body) forward_request_body();
          return true;
      }
      return false;
    }
    case RequestPhase::Routing:
      if (watching_for_abort()) peek_client_close();
      return false;
    case RequestPhase::Body:
      return forward_request_body();
    case RequestPhase::Tunnel:
      return move_all(client_in_, to_server_);
    case RequestPhase::Closing:
      client_in_.clear();
      if (client_eof_ && to_client_.empty()) finish(pending_termination_);
      return false;
    default:
      return false;
  }
}

void HttpSession::head_complete() {
  const auto& parsed = request_parser_.head();
  record_.request_time = since(txn_.request_started);
  record_.method = std::string(parsed.method);
  record_.uri = std::string(parsed.target);
  record_.version = parsed.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
  request_keep_alive_ = parsed.keep_alive;
  request_upgrade_ = parsed.upgrade;
  request_has_body_ = has_body(parsed);
  capture_headers(frontend_.config.capture_request_headers, parsed, record_.request_captures);
  // The rules edit a copy of the head, in place (later rules see the edits).
  request_head_.reset(parsed, client_in_.view().substr(0, head_length_));
  request_head_seen_ = true;
  vars_.clear(sample::VarScope::Txn);
  vars_.clear(sample::VarScope::Req);
  vars_.clear(sample::VarScope::Res);
  if (!route_request()) return;

  const auto& head = request_head_.head();
  method_ = std::string(head.method);  // as the server gets it (set-method)
  const auto& be = backend_->config.settings;
  find_cookie_target(head);
  std::optional<std::uint64_t> key;
  if (be.balance == config::Balance::Uri) {
    key = balance::hash_text(head.path());
  } else if (be.balance == config::Balance::Header) {
    if (const auto value = head.header(be.balance_header)) key = balance::hash_text(*value);
  }
  txn_.request = RequestPhase::Routing;
  retrying_ = false;
  request_key_ = key;
  connector_.start(connector_target(key), [this](ServerShared& server) { return reuse_connection(server); });
}

Connector::Target HttpSession::connector_target(std::optional<std::uint64_t> request_key) const {
  Connector::Target target;
  target.backend = backend_;
  target.client = client_address_;
  target.local = local_address_;
  target.request_key = request_key;
  target.preferred = cookie_target_;
  target.reports = &generation_->error_reports;
  return target;
}

// The Connector chose <server>: a connection this client already has to
// it, or an idle one from the pool, saves a connect. Pooled connections are
// only taken for requests that can be sent again on a new connection if the
// server closed the idle one meanwhile (http::may_take_pooled).
bool HttpSession::reuse_connection(ServerShared& server) {
  const auto epoch = server.live->address_epoch.load(std::memory_order_acquire);
  if (server_ && server_of_connection_ == &server && !server_eof_ && server_epoch_ == epoch) {
    server_reused_ = true;
    return true;
  }
  if (server_) close_server(true);
  if (!http::may_take_pooled(method_, request_has_body_, retrying_)) return false;
  auto pooled = worker_.server_pool().take(server);
  if (!pooled) return false;
  server_fd_ = std::move(pooled->fd);
  server_ = std::move(pooled->stream);
  server_epoch_ = pooled->address_epoch;
  server_of_connection_ = &server;
  server_handshake_done_ = true;
  server_reused_ = true;
  server_eof_ = false;
  server_drained_ = false;
  server_shut_ = false;
  return true;
}

void HttpSession::on_connector(std::optional<TerminationState> failure) {
  if (failure) {
    // No server, a queue timeout or a server that could not be reached:
    // HAProxy's 503 in every case.
    respond_error(503, *failure);
    if (!in_drive_) drive();
    return;
  }
  auto* server = connector_.server();
  record_.server = server->config.name;
  if (auto fd = connector_.take_fd()) {
    // A new connection.
    server_fd_ = std::move(fd);
    server_epoch_ = connector_.address_epoch();
    server_ = server->tls ? server->tls->connect(server_fd_.get()) : make_plain_stream(server_fd_.get());
    server_of_connection_ = server;
    server_handshake_done_ = !server->tls;
    server_reused_ = false;
    server_eof_ = false;
    server_drained_ = false;
    server_shut_ = false;
  }
  if (retrying_) {
    to_server_.clear();
    to_server_.append(sent_head_);
  } else {
    forward_request_head();
  }
  txn_.response = ResponsePhase::Head;
  response_parser_.reset();
  response_parser_.set_request_method(method_);
  server_in_.clear();
  server_in_.reserve_tail(fe_settings_.max_header_size);
  request_sent_ = worker_.loop().now();
  txn_.server_active = request_sent_;
  if (!in_drive_) drive();
}

void HttpSession::forward_request_head() {
  const auto& head = request_head_.head();
  const auto& fe = fe_settings_;
  const auto& be = backend_->config.settings;
  http::HeadEditor editor(head);
  http::remove_hop_by_hop(editor, request_upgrade_);
  editor.apply(fe.request_header_rules);
  if (&be != &fe) editor.apply(be.request_header_rules);
  const bool forwardfor = fe.forwardfor || be.forwardfor;
  const auto& except = fe.forwardfor ? fe.forwardfor_except : be.forwardfor_except;
  std::string client_ip;
  // A client on a Unix socket has no address to pass on (HAProxy adds none either).
  const bool if_none = fe.forwardfor ? fe.forwardfor_if_none : be.forwardfor_if_none;
  const bool present = if_none && head.header("x-forwarded-for").has_value();
  if (forwardfor && !present && !client_address_.is_unix() && !(except && except->contains(client_address_.address))) {
    client_ip = client_address_.address.to_string();
    editor.add("X-Forwarded-For", client_ip);
  }
  if (client_->is_tls()) editor.set("X-Forwarded-Proto", "https");
  if (be.cookie) http::strip_request_cookie(*be.cookie, editor);

  close_server_after_ = fe.http_server_close || fe.http_close || be.http_server_close || be.http_close;
  if (request_upgrade_) {
    editor.set("Connection", "upgrade");
  } else if (close_server_after_) {
    editor.set("Connection", "close");
  } else if (head.version_minor == 0) {
    editor.set("Connection", "keep-alive");
  }
  std::string& out = scratch_;
  out.clear();
  editor.serialize_request(head.method, head.target, head.version_minor, out);
  to_server_.append(out);
  if (!request_has_body_) sent_head_ = out;
  client_in_.consume(head_length_);

  request_body_.start(head);
  txn_.request = request_body_.done() ? RequestPhase::Done : RequestPhase::Body;
}

bool HttpSession::forward_request_body() {
  const auto step = request_body_.feed(client_in_.view(), client_eof_);
  if (!step.error.empty()) {
    frontend_.counters.add(counter_slot(), FrontendCounter::RequestErrors);
    respond_failure(http::Failure::BadRequestBody);
    return true;
  }
  move_bytes(client_in_, to_server_, step.body_bytes);
  if (step.done) txn_.request = RequestPhase::Done;
  if (step.cut_short) finish({TerminationCause::ClientAbort, SessionPhase::Data});  // the client left mid-body
  return step.body_bytes > 0 || step.done;
}

// The response side and the end of a transaction: http_session_response.cpp;
// the rules and the access log: http_session_rules.cpp; the watchers, the
// timer and abortonclose: http_session_watch.cpp.

// ---------------------------------------------------------------------------
// The end.

void HttpSession::finish(TerminationState termination, bool log) {
  if (finished_) return;
  finished_ = true;
  connector_.cancel();
  if (log) log_transaction(termination);
  client_watcher_.stop();
  server_watcher_.stop();
  timer_.stop();
  // A clean idle server connection outlives its client in the pool.
  const bool server_idle = txn_.response == ResponsePhase::None || txn_.response == ResponsePhase::Done;
  close_server(server_idle && txn_.request != RequestPhase::Tunnel && !close_server_after_);
  connector_.release_slot();
  if (backend_) {
    backend_->active.fetch_sub(1, memory_order_relaxed);
    backend_ = nullptr;
  }
  client_.reset();
  client_fd_.reset();
  counts_released_ = true;
  frontend_.active.fetch_sub(1, memory_order_relaxed);
  worker_.process().connections.fetch_sub(1, memory_order_relaxed);
  worker_.session_done(this);
}

}  // namespace proxyd::io
