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
#include "proxyd/io/tls/tls_context.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using common::log::Level;
using log::SessionPhase;
using log::TerminationCause;
using log::TerminationState;
using std::memory_order_relaxed;
using Status = StreamResult::Status;

namespace {

// Bytes waiting for a slow receiver before reading from the other side
// pauses (backpressure).
constexpr std::size_t kMaxPending = 128 * 1024;
constexpr std::size_t kReadChunk = kRelayBufferSize;
// Bodies and tunnels read in larger blocks: a bulk transfer then costs a
// read and a write per 64 KiB (blocks exist only while bytes are in flight).
constexpr std::size_t kBodyChunk = 4 * kRelayBufferSize;

log::WallClockTime wall_now(std::chrono::minutes utc_offset) {
  return {std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()), utc_offset};
}

// Moves the first <n> bytes of <from> to the end of <to>; when they are all
// of <from> and <to> is empty, the blocks are swapped instead of copied.
void move_bytes(ByteBuffer& from, ByteBuffer& to, std::size_t n) {
  if (n == 0) return;
  if (to.empty() && n == from.size()) {
    from.swap(to);
    return;
  }
  to.append(from.view().substr(0, n));
  from.consume(n);
}

// A tunnel's step: everything that came goes on; true when anything did.
bool move_all(ByteBuffer& from, ByteBuffer& to) {
  const bool moved = !from.empty();
  move_bytes(from, to, from.size());
  return moved;
}

// Content-Length: 0 is no body: such a request can be sent again as is.
bool has_body(const http::MessageHead& head) {
  return head.framing != http::BodyFraming::None &&
         !(head.framing == http::BodyFraming::ContentLength && head.content_length == 0);
}

}  // namespace

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
      if (client_eof_)
        finish({TerminationCause::ClientAbort, SessionPhase::Request}, false);  // closed between requests
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
  const auto& head = request_head_.head();

  sample::Context ctx = rule_context();
  ctx.request = &head;
  ctx.payload_length = static_cast<std::int64_t>(head_length_);
  if (tcp::has_stage(frontend_.config.tcp_request, tcp::Stage::Content) &&
      tcp::run_tcp_rules(frontend_.config.tcp_request, tcp::Stage::Content, ctx).verdict == tcp::Verdict::Reject) {
    // HAProxy's `tcp-request content reject` in mode http: the connection closes, no response.
    finish({TerminationCause::Proxy, SessionPhase::Request});
    return;
  }
  request_actions_ = {};
  if (run_request_actions(frontend_.config.http_request, ctx)) return;
  for (const auto& rule : frontend_.config.redirects) {
    if (rule.condition && !sample::evaluate(*rule.condition, ctx)) continue;
    respond_and_close(rule.code, http::build_redirect(rule, head.header("host").value_or(""), head.target),
                      {TerminationCause::Local, SessionPhase::Request});
    return;
  }
  const auto chosen = http::select_backend(frontend_.config.use_backends, ctx);
  // A computed name that names no backend means the default one (HAProxy's rule).
  backend_ = chosen ? generation_->find_backend(*chosen) : nullptr;
  if (backend_ == nullptr) backend_ = frontend_.backend;
  if (backend_ == nullptr) {
    respond_failure(http::Failure::NoBackend);
    return;
  }
  record_.backend = backend_->config.name;
  raise_max(backend_->active_max, backend_->active.fetch_add(1, memory_order_relaxed) + 1);
  if (!backend_->config.http_request.empty()) {
    ctx.backend = backend_->config.name;
    request_actions_.stop = http::ActionResult::Stop::None;
    if (run_request_actions(backend_->config.http_request, ctx)) return;
  }
  method_ = std::string(head.method);  // as the server gets it (set-method)
  const auto& be = backend_->config.settings;

  // Persistence cookie: the server it names, while that server is up.
  cookie_target_ = nullptr;
  insert_cookie_ = false;
  record_.cookie_request = '-';
  record_.cookie_response = '-';
  if (be.cookie) {
    const http::HeadEditor view(head);
    const auto value = http::find_persistence_cookie(*be.cookie, view);
    record_.cookie_request = 'N';
    record_.cookie_response = 'N';
    if (value) {
      record_.cookie_request = 'I';
      for (const auto& s : backend_->servers) {
        if (!s->config.cookie.empty() && s->config.cookie == *value) cookie_target_ = s.get();
      }
      if (cookie_target_ != nullptr) {
        const auto& live = *cookie_target_->live;
        const bool usable =
            live.up.load(memory_order_relaxed) && live.admin.load(memory_order_relaxed) == AdminState::Ready;
        record_.cookie_request = usable ? 'V' : 'D';
        if (!usable) cookie_target_ = nullptr;
      }
    }
    insert_cookie_ = cookie_target_ == nullptr && be.cookie->mode == http::CookieSettings::Mode::Insert;
  }

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

// The context the rules of this connection read (the request or response
// head is added by the caller).
sample::Context HttpSession::rule_context() {
  sample::Context ctx;
  ctx.src = client_address_;
  ctx.dst = local_address_;
  ctx.frontend = frontend_.config.name;
  ctx.tls = tls_ != nullptr;
  if (client_) ctx.sni = client_->server_name();
  ctx.library = generation_->config.library.get();
  ctx.runtime = &generation_->live_state;
  ctx.now_unix =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  ctx.random = &random_u64;
  ctx.vars = &vars_;
  return ctx;
}

// http_request rules of one section: edits apply to request_head_ at once;
// deny, tarpit, auth, return and redirect answer here. True when the
// request was answered (or is held in the tarpit).
bool HttpSession::run_request_actions(std::span<const http::HttpAction> rules, sample::Context& ctx) {
  if (rules.empty()) return false;
  http::run_actions(rules, ctx, request_head_, request_actions_);
  auto& r = request_actions_;
  using Stop = http::ActionResult::Stop;
  switch (r.stop) {
    case Stop::None:
    case Stop::Allow:
      return false;
    case Stop::Deny:
      respond_and_close(r.status, r.response.empty() ? error_pages().response(r.status) : r.response,
                        {TerminationCause::Proxy, SessionPhase::Request});
      return true;
    case Stop::Tarpit:
      start_tarpit();
      return true;
    case Stop::Auth:
      respond_and_close(r.status, r.response, {TerminationCause::Proxy, SessionPhase::Request});
      return true;
    case Stop::Return:
    case Stop::Redirect:
      respond_and_close(r.status, r.response, {TerminationCause::Local, SessionPhase::Request});
      return true;
  }
  return false;
}

// tarpit: the request is held (nothing read from the client) for
// timeout_tarpit, then answered; logged PT.
void HttpSession::start_tarpit() {
  const auto& settings = backend_ != nullptr ? backend_->config.settings : fe_settings_;
  const auto hold = settings.timeout_tarpit.value_or(settings.timeout_connect);
  txn_.request = RequestPhase::Tarpit;
  txn_.tarpit_until = worker_.loop().now() + hold;
  arm_timer();
}

void HttpSession::end_tarpit() {
  txn_.tarpit_until.reset();
  const auto& r = request_actions_;
  respond_and_close(r.status, r.response.empty() ? error_pages().response(r.status) : r.response,
                    {TerminationCause::Proxy, SessionPhase::Tarpit});
}

Connector::Target HttpSession::connector_target(std::optional<std::uint64_t> request_key) const {
  Connector::Target target;
  target.backend = backend_;
  target.client = client_address_;
  target.local = local_address_;
  target.request_key = request_key;
  target.preferred = cookie_target_;
  return target;
}

// The Connector chose <server>: a connection this client already has to
// it, or an idle one from the pool, saves a connect. Pooled connections are
// only taken for requests that can be sent again on a new connection if the
// server closed the idle one meanwhile (http::may_take_pooled).
bool HttpSession::reuse_connection(ServerShared& server) {
  if (server_ && server_of_connection_ == &server && !server_eof_) {
    server_reused_ = true;
    return true;
  }
  if (server_) close_server(true);
  if (!http::may_take_pooled(method_, request_has_body_, retrying_)) return false;
  auto pooled = worker_.server_pool().take(server);
  if (!pooled) return false;
  server_fd_ = std::move(pooled->fd);
  server_ = std::move(pooled->stream);
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
  if (forwardfor && !(except && except->contains(client_address_.address))) {
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

// ---------------------------------------------------------------------------
// Response side.

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
        count_server_error();
        respond_failure(http::Failure::ServerClosedEarly);
        return true;
      }
      if (server_in_.empty()) return false;
      const auto r = response_parser_.parse(server_in_.view());
      if (r.status == http::HeadResult::Status::NeedMore) {
        if (server_eof_ || server_in_.size() >= fe_settings_.max_header_size) {
          count_server_error();
          respond_failure(http::Failure::TruncatedResponse);
          return true;
        }
        return false;
      }
      if (r.status == http::HeadResult::Status::Error) {
        count_server_error();
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

void HttpSession::count_server_error() {
  if (auto* server = connector_.server()) {
    server->live->counters.add(counter_slot(), ServerCounter::ResponseErrors);
  }
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
    count_server_error();
    respond_failure(http::Failure::BadResponse);
    return;
  }
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
    if (server != nullptr && !server->config.cookie.empty()) {
      http::apply_response_cookie(*be.cookie, server->config.cookie, insert_cookie_, editor);
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

// http_response rules, the backend's then the frontend's, editing
// response_head_ (they read the request too). False when the response was
// replaced: a deny answers 502 (PH), a return or redirect its own.
bool HttpSession::run_response_actions() {
  const auto& fe_rules = frontend_.config.http_response;
  const auto& be_rules = backend_->config.http_response;
  if (fe_rules.empty() && be_rules.empty()) return true;
  sample::Context ctx = rule_context();
  ctx.backend = backend_->config.name;
  ctx.request = &request_head_.head();
  ctx.response = &response_head_.head();
  http::ActionResult result;
  using Stop = http::ActionResult::Stop;
  http::run_actions(be_rules, ctx, response_head_, result);
  if (result.stop == Stop::None || result.stop == Stop::Allow) {
    result.stop = Stop::None;
    if (&be_rules != &fe_rules) http::run_actions(fe_rules, ctx, response_head_, result);
  }
  if (result.log_level) request_actions_.log_level = result.log_level;
  switch (result.stop) {
    case Stop::None:
    case Stop::Allow:
      return true;
    case Stop::Return:
    case Stop::Redirect:
      close_server(false);  // its body is not read
      respond_and_close(result.status, result.response, {TerminationCause::Local, SessionPhase::Headers});
      return false;
    default:
      count_server_error();
      respond_error(502, {TerminationCause::Proxy, SessionPhase::Headers});
      return false;
  }
}

bool HttpSession::forward_response_body() {
  // A bulk body waits for the client side to drain, then moves by swapping
  // blocks; a small one joins what is pending (the head) for one write.
  if (!to_client_.empty() && to_client_.size() + server_in_.size() > kBodyChunk && !server_eof_) return false;
  const auto step = response_body_.feed(server_in_.view(), server_eof_);
  if (!step.error.empty() || step.cut_short) {
    // A broken or truncated body: the client can only be told by a close.
    count_server_error();
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

// ---------------------------------------------------------------------------
// End of a transaction, of the tunnel, or of a final response.

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
    worker_.server_pool().put(*server_of_connection_, {std::move(server_fd_), std::move(server_)},
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
  to_client_.append(response);
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

// ---------------------------------------------------------------------------
// Watchers and timers.

void HttpSession::update_interest() {
  int client_events = 0;
  if (txn_.request == RequestPhase::Handshake) {
    client_events = client_handshake_wants_ != 0 ? client_handshake_wants_ : EV_READ;
  } else {
    if (!client_eof_ && client_read_room() > 0) client_events |= EV_READ;
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
      count_server_error();
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

// ---------------------------------------------------------------------------
// Logs and the end.

void HttpSession::log_transaction(TerminationState termination) {
  record_.termination = termination;
  record_.total = since(accepted_);
  record_.active_time = since(txn_.request_started);
  record_.process_connections = worker_.process().connections.load(memory_order_relaxed);
  record_.frontend_connections = frontend_.active.load(memory_order_relaxed);
  record_.backend_connections = backend_ ? backend_->active.load(memory_order_relaxed) : 0;
  auto* server = connector_.server();
  record_.server_connections = server ? server->live->active.load(memory_order_relaxed) : 0;
  const auto slot = counter_slot();
  frontend_.counters.add(slot, FrontendCounter::BytesIn, record_.bytes_from_client);
  frontend_.counters.add(slot, FrontendCounter::BytesOut, record_.bytes_to_client);
  if (server != nullptr) {
    server->live->counters.add(slot, ServerCounter::BytesIn, record_.bytes_from_client);
    server->live->counters.add(slot, ServerCounter::BytesOut, record_.bytes_to_client);
  }
  render_log_samples();
  const log::AccessLogPolicy policy{fe_settings_.dontlognull, fe_settings_.dontlog_normal,
                                    fe_settings_.log_separate_errors};
  const auto& set_level = request_actions_.log_level;
  if (const auto level = log::access_log_level(
          policy, record_, set_level ? std::optional<std::string_view>(*set_level) : std::nullopt)) {
    // Rendered into a buffer reused by every request of this thread.
    thread_local std::string line;
    line.clear();
    frontend_.log_format.render_to(record_, line);
    worker_.logger().log(*level, line);
  }
  // The next transaction starts a fresh record.
  log::TcpSessionRecord next;
  next.client = record_.client;
  next.accepted = record_.accepted;
  next.frontend = record_.frontend;
  next.backend = frontend_.config.name;
  record_ = std::move(next);
  request_actions_ = {};  // set-log-level was this transaction's
  request_head_seen_ = false;
  response_head_seen_ = false;
  response_bytes_seen_ = false;
}

// capture_request_header / capture_response_header: the first field of each
// name, cut to its length ("" when absent), for httplog's {…}.
void HttpSession::capture_headers(const std::vector<config::CaptureHeader>& captures, const http::MessageHead& head,
                                  std::vector<std::string>& out) {
  out.clear();
  for (const auto& c : captures) out.emplace_back(head.header(c.name).value_or("").substr(0, c.len));
}

// The log format's %[...] samples, with the request and response as the
// rules left them.
void HttpSession::render_log_samples() {
  const auto& expressions = frontend_.log_format.expressions();
  if (expressions.empty()) return;
  auto ctx = rule_context();
  if (backend_ != nullptr) ctx.backend = backend_->config.name;
  if (request_head_seen_) ctx.request = &request_head_.head();
  if (response_head_seen_) ctx.response = &response_head_.head();
  record_.samples.clear();
  for (const auto& e : expressions) {
    const auto value = sample::evaluate_first(e, ctx);
    record_.samples.push_back(value ? value->as_text() : std::string("-"));
  }
}

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
