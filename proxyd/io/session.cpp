#include "proxyd/io/session.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/io/socket_address.h"
#include "proxyd/core/http/rules.h"
#include "proxyd/core/log/access_log_policy.h"
#include "proxyd/core/proxy_protocol/proxy_decoder.h"
#include "proxyd/core/tls/client_hello.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using common::log::Level;
using log::SessionPhase;
using log::TerminationCause;
using std::memory_order_relaxed;

namespace {

constexpr std::size_t kMaxProxyHeader = 536;  // v1: 107 bytes; v2: 16 + addresses + TLVs
constexpr std::chrono::milliseconds kRepeekDelay{5};

// The relay forwards what it reads at once; Nagle's algorithm would only
// hold small segments back (HAProxy disables it too).
void set_no_delay(int fd) {
  const int on = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

log::WallClockTime wall_now(std::chrono::minutes utc_offset) {
  return {std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()), utc_offset};
}

}  // namespace

Session::Session(Worker& worker, GenerationPtr generation, FrontendShared& frontend, common::io::UniqueFd client,
                 const common::net::Endpoint& client_address, const common::net::Endpoint& local_address)
    : worker_(worker),
      generation_(std::move(generation)),
      frontend_(frontend),
      client_(std::move(client)),
      local_address_(local_address),
      started_(worker.loop().now()),
      watcher_(worker.loop(), [this](int) { on_io(); }),
      timer_(worker.loop(), [this] { on_timeout(); }),
      repeek_(worker.loop(), [this] { watcher_.start(client_.get(), EV_READ); }),
      connector_(worker, *this, record_, [this](std::optional<log::TerminationState> f) { on_connector(f); }) {
  record_.client = client_address;
  record_.accepted = wall_now(worker.utc_offset());
  record_.frontend = frontend.config.name;
  record_.backend = frontend.config.name;
  frontend.counters.add(counter_slot(), FrontendCounter::Sessions);
  raise_max(frontend.active_max, frontend.active.load(memory_order_relaxed));
}

std::size_t Session::counter_slot() const {
  return static_cast<std::size_t>(worker_.index());
}

Session::~Session() {
  release_counts();
}

// Gives back the server slot and the connection counts; done when the
// session ends (not when it is destroyed, a loop iteration later), so the
// freed slots are visible to whoever is woken.
void Session::release_counts() {
  if (counts_released_) return;
  counts_released_ = true;
  connector_.release_slot();
  if (backend_) backend_->active.fetch_sub(1, memory_order_relaxed);
  frontend_.active.fetch_sub(1, memory_order_relaxed);
  worker_.process().connections.fetch_sub(1, memory_order_relaxed);
}

// Bytes, and the errors HAProxy counts: a request error (ereq) for a client
// that failed, went silent or sent a bad PROXY header before its request
// went anywhere, a response error (eresp) for a server that aborted or timed
// out during data.
void Session::count_outcome(log::TerminationState termination) {
  const auto slot = counter_slot();
  frontend_.counters.add(slot, FrontendCounter::BytesIn, record_.bytes_from_client);
  frontend_.counters.add(slot, FrontendCounter::BytesOut, record_.bytes_to_client);
  if (termination.phase == SessionPhase::Request) frontend_.counters.add(slot, FrontendCounter::RequestErrors);
  auto* server = connector_.server();
  if (server == nullptr) return;
  auto& counters = server->live->counters;
  counters.add(slot, ServerCounter::BytesIn, record_.bytes_from_client);
  counters.add(slot, ServerCounter::BytesOut, record_.bytes_to_client);
  const bool server_side =
      termination.cause == TerminationCause::ServerAbort || termination.cause == TerminationCause::ServerTimeout;
  if (server_side && termination.phase == SessionPhase::Data) counters.add(slot, ServerCounter::ResponseErrors);
}

common::Duration Session::elapsed() const {
  return std::chrono::duration_cast<common::Duration>(worker_.loop().now() - started_);
}

sample::Context Session::rule_context() const {
  sample::Context ctx;
  ctx.src = record_.client;
  ctx.dst = local_address_;
  ctx.frontend = frontend_.config.name;
  ctx.library = generation_->config.library.get();
  ctx.runtime = &generation_->live_state;
  ctx.now_unix = &unix_now;
  ctx.random = &random_u64;
  ctx.vars = const_cast<sample::Variables*>(&vars_);
  return ctx;
}

void Session::start() {
  set_no_delay(client_.get());
  vars_ = sample::Variables(&generation_->config.library->proc_variables);
  const auto& binds = frontend_.config.binds;
  bool expect_proxy = std::any_of(binds.begin(), binds.end(), [](const config::Bind& b) { return b.accept_proxy; });
  const auto& rules = frontend_.config.tcp_request;
  if (tcp::has_stage(rules, tcp::Stage::Connection)) {
    auto ctx = rule_context();
    const auto r = tcp::run_tcp_rules(rules, tcp::Stage::Connection, ctx);
    if (r.verdict == tcp::Verdict::Reject) {
      // HAProxy's `tcp-request connection reject`: closed at once, not logged.
      finish({TerminationCause::Proxy, SessionPhase::Request}, false);
      return;
    }
    expect_proxy = expect_proxy || r.expect_proxy;
  }
  if (!expect_proxy) {
    after_proxy_header();
    return;
  }
  phase_ = Phase::ProxyHeader;
  timer_.start(frontend_.config.settings.timeout_client);
  watcher_.start(client_.get(), EV_READ);
}

bool Session::wants_content() const {
  return !frontend_.config.use_backends.empty() || (tcp::has_stage(frontend_.config.tcp_request, tcp::Stage::Content) &&
                                                    frontend_.config.settings.tcp_request_inspect_delay.count() > 0);
}

void Session::after_proxy_header() {
  const auto& rules = frontend_.config.tcp_request;
  if (tcp::has_stage(rules, tcp::Stage::Session)) {
    auto ctx = rule_context();
    if (tcp::run_tcp_rules(rules, tcp::Stage::Session, ctx).verdict == tcp::Verdict::Reject) {
      finish({TerminationCause::Proxy, SessionPhase::Request});
      return;
    }
  }
  if (!wants_content()) {
    route({});
    return;
  }
  phase_ = Phase::ClientHello;
  const auto delay = frontend_.config.settings.tcp_request_inspect_delay;
  timer_.start(delay.count() > 0 ? delay : frontend_.config.settings.timeout_client);
  watcher_.start(client_.get(), EV_READ);
}

void Session::on_io() {
  if (phase_ == Phase::ProxyHeader) read_proxy_header();
  if (phase_ == Phase::ClientHello) read_client_hello();
  if (phase_ == Phase::Connecting) watch_client_close();
}

void Session::on_timeout() {
  if (phase_ == Phase::ProxyHeader) finish({TerminationCause::ClientTimeout, SessionPhase::Request});
  // A client that sends no ClientHello in time goes to the default backend.
  if (phase_ == Phase::ClientHello) route({});
}

// The header is peeked, never read past: once complete, exactly its bytes
// are consumed, and what follows stays in the socket for the server.
void Session::read_proxy_header() {
  std::uint8_t buf[kMaxProxyHeader];
  const ssize_t n = ::recv(client_.get(), buf, sizeof buf, MSG_PEEK);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    finish({TerminationCause::ClientAbort, SessionPhase::Request});
    return;
  }
  proxy_protocol::ProxyDecoder decoder;
  const auto result = decoder.feed(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)));
  if (result.status == proxy_protocol::DecodeResult::Status::NeedMore) {
    if (static_cast<std::size_t>(n) == sizeof buf) finish({TerminationCause::Proxy, SessionPhase::Request});
    wait_for_more();
    return;
  }
  if (result.status == proxy_protocol::DecodeResult::Status::Error) {
    worker_.limiter().log(worker_.logger(), Level::Warning, "proxy header " + record_.client.address.to_string(),
                          fmt::format("frontend {}: bad PROXY header from {}: {}", frontend_.config.name,
                                      record_.client.to_string(), result.error),
                          worker_.loop().now());
    finish({TerminationCause::Proxy, SessionPhase::Request});
    return;
  }
  [[maybe_unused]] const ssize_t consumed = ::recv(client_.get(), buf, result.consumed, 0);
  if (const auto& addresses = decoder.header().addresses) record_.client = addresses->source;
  timer_.stop();
  after_proxy_header();  // the hello may already be waiting: on_io() reads it next
}

// TLS passthrough: the ClientHello is peeked, not consumed, so the server
// receives the client's handshake untouched.
void Session::read_client_hello() {
  std::vector<std::uint8_t> buf(tls::kMaxClientHello);
  const ssize_t n = ::recv(client_.get(), buf.data(), buf.size(), MSG_PEEK);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    finish({TerminationCause::ClientAbort, SessionPhase::Request});
    return;
  }
  tls::ClientHello hello;
  peeked_ = n;
  const auto result = tls::parse_client_hello(std::span(buf.data(), static_cast<std::size_t>(n)), hello);
  if (result.status == tls::HelloResult::Status::NeedMore) {
    wait_for_more();
    return;
  }
  hello_seen_ = result.status == tls::HelloResult::Status::Done;
  route(hello_seen_ ? std::string_view(hello.server_name) : std::string_view());
}

// Peeked bytes stay in the socket, which therefore stays readable: rather
// than spin on it, look again a little later.
void Session::wait_for_more() {
  watcher_.stop();
  repeek_.start(kRepeekDelay);
}

void Session::route(std::string_view sni) {
  repeek_.stop();
  watcher_.stop();
  timer_.stop();
  phase_ = Phase::Connecting;
  auto ctx = rule_context();
  ctx.payload_length = peeked_;
  ctx.hello_type = hello_seen_ ? 1 : 0;
  ctx.sni = sni;
  const auto& rules = frontend_.config.tcp_request;
  if (tcp::has_stage(rules, tcp::Stage::Content) &&
      tcp::run_tcp_rules(rules, tcp::Stage::Content, ctx).verdict == tcp::Verdict::Reject) {
    record_.bytes_from_client = static_cast<std::uint64_t>(peeked_);  // received and inspected (dontlognull)
    finish({TerminationCause::Proxy, SessionPhase::Request});
    return;
  }
  const auto chosen = http::select_backend(frontend_.config.use_backends, ctx);
  // A computed name that names no backend means the default one (HAProxy's rule).
  backend_ = chosen ? generation_->find_backend(*chosen) : nullptr;
  if (backend_ == nullptr) backend_ = frontend_.backend;
  if (backend_ == nullptr) {
    finish({TerminationCause::Proxy, SessionPhase::Request});
    return;
  }
  record_.backend = backend_->config.name;
  raise_max(backend_->active_max, backend_->active.fetch_add(1, memory_order_relaxed) + 1);
  Connector::Target target;
  target.backend = backend_;
  target.client = record_.client;
  target.local = local_address_;
  target.reports = &generation_->error_reports;
  connector_.start(target);
  // option abortonclose: watch for the client leaving while we wait.
  if (phase_ == Phase::Connecting && backend_->config.settings.abortonclose) watcher_.start(client_.get(), EV_READ);
}

// While connecting with abortonclose: a client that closed (EOF, no data)
// is not served; data waits in the socket for the server.
void Session::watch_client_close() {
  char byte = 0;
  const ssize_t n = ::recv(client_.get(), &byte, 1, MSG_PEEK);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n > 0) {
    watcher_.stop();
    return;
  }
  finish({TerminationCause::ClientAbort, connector_.queued() ? SessionPhase::Queue : SessionPhase::Connect});
}

void Session::on_connector(std::optional<log::TerminationState> failure) {
  if (failure) {
    finish(*failure);
    return;
  }
  watcher_.stop();
  server_fd_ = connector_.take_fd();
  start_relay();
}

void Session::start_relay() {
  phase_ = Phase::Relaying;
  const auto& settings = backend_->config.settings;
  // The backend's timeout_tunnel replaces both inactivity timeouts once the
  // server is connected (HAProxy's rule in mode tcp).
  const auto tunnel = settings.timeout_tunnel;
  relay_ = std::make_unique<Relay>(
      worker_.loop(), worker_.pipes(), worker_.buffers(), client_.get(), server_fd_.get(),
      Relay::Timeouts{tunnel.value_or(frontend_.config.settings.timeout_client),
                      tunnel.value_or(settings.timeout_server), frontend_.config.settings.timeout_client_fin,
                      settings.timeout_server_fin},
      [this](const RelayResult& r) {
        record_.bytes_from_client = r.client_to_server;
        record_.bytes_to_client = r.server_to_client;
        finish(r.termination);
      });
  relay_->start();
}

void Session::kill() {
  finish({TerminationCause::Killed, phase_ == Phase::Relaying ? SessionPhase::Data : SessionPhase::Connect});
}

void Session::shut_down_for(const ServerLive* server) {
  const auto* s = connector_.server();
  if (s == nullptr || s->live.get() != server) return;
  finish({TerminationCause::ServerDown, phase_ == Phase::Relaying ? SessionPhase::Data : SessionPhase::Connect});
}

void Session::finish(log::TerminationState termination, bool log) {
  if (phase_ == Phase::Done) return;
  connector_.cancel();
  count_outcome(termination);
  phase_ = Phase::Done;
  watcher_.stop();
  timer_.stop();
  repeek_.stop();
  record_.termination = termination;
  record_.total = elapsed();
  record_.process_connections = worker_.process().connections.load(memory_order_relaxed);
  record_.frontend_connections = frontend_.active.load(memory_order_relaxed);
  record_.backend_connections = backend_ ? backend_->active.load(memory_order_relaxed) : 0;
  auto* server = connector_.server();
  record_.server_connections = server ? server->live->active.load(memory_order_relaxed) : 0;
  if (const auto& expressions = frontend_.log_format.expressions(); !expressions.empty()) {
    auto ctx = rule_context();
    ctx.payload_length = peeked_;
    for (const auto& e : expressions) {
      const auto value = sample::evaluate_first(e, ctx);
      record_.samples.push_back(value ? value->as_text() : std::string("-"));
    }
  }
  const auto& settings = frontend_.config.settings;
  const log::AccessLogPolicy policy{settings.dontlognull, settings.dontlog_normal, settings.log_separate_errors};
  if (const auto level = log ? log::access_log_level(policy, record_) : std::nullopt) {
    worker_.logger().log(*level, frontend_.log_format.render(record_));
  }
  if (relay_) relay_->stop();  // before its descriptors close; destroyed with the session
  server_fd_.reset();
  client_.reset();
  release_counts();
  worker_.session_done(this);
}

}  // namespace proxyd::io
