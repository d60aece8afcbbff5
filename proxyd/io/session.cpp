#include "proxyd/io/session.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/io/socket_address.h"
#include "proxyd/core/balance/balancer.h"
#include "proxyd/core/balance/source_hash.h"
#include "proxyd/core/proxy_protocol/proxy_decoder.h"
#include "proxyd/core/proxy_protocol/proxy_encoder.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using common::log::Level;
using log::SessionPhase;
using log::TerminationCause;
using std::memory_order_relaxed;

namespace {

constexpr std::size_t kMaxProxyHeader = 536;  // v1: 107 bytes; v2: 16 + addresses + TLVs

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
      timer_(worker.loop(), [this] { on_timeout(); }) {
  record_.client = client_address;
  record_.accepted = wall_now(worker.utc_offset());
  record_.frontend = frontend.config.name;
  record_.backend = frontend.backend ? frontend.backend->config.name : frontend.config.name;
  frontend.counters.add(counter_slot(), FrontendCounter::Sessions);
  raise_max(frontend.active_max, frontend.active.load(memory_order_relaxed));
  if (auto* backend = frontend.backend) {
    raise_max(backend->active_max, backend->active.fetch_add(1, memory_order_relaxed) + 1);
  }
}

std::size_t Session::counter_slot() const {
  return static_cast<std::size_t>(worker_.index());
}

void Session::leave_queue() {
  frontend_.backend->queued.fetch_sub(1, memory_order_relaxed);
  worker_.dequeue(this);
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
  release_slot();
  if (frontend_.backend) frontend_.backend->active.fetch_sub(1, memory_order_relaxed);
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
  if (server_ == nullptr) return;
  auto& counters = server_->live->counters;
  counters.add(slot, ServerCounter::BytesIn, record_.bytes_from_client);
  counters.add(slot, ServerCounter::BytesOut, record_.bytes_to_client);
  const bool server_side =
      termination.cause == TerminationCause::ServerAbort || termination.cause == TerminationCause::ServerTimeout;
  if (server_side && termination.phase == SessionPhase::Data) counters.add(slot, ServerCounter::ResponseErrors);
}

common::Duration Session::elapsed() const {
  return std::chrono::duration_cast<common::Duration>(worker_.loop().now() - started_);
}

void Session::start() {
  set_no_delay(client_.get());
  if (frontend_.backend == nullptr) {
    finish({TerminationCause::Proxy, SessionPhase::Request});
    return;
  }
  if (frontend_.config.binds.empty() || !std::any_of(frontend_.config.binds.begin(), frontend_.config.binds.end(),
                                                     [](const config::Bind& b) { return b.accept_proxy; })) {
    choose_server(nullptr);
    return;
  }
  phase_ = Phase::ProxyHeader;
  timer_.start(frontend_.config.settings.timeout_client);
  watcher_.start(client_.get(), EV_READ);
}

void Session::on_io() {
  switch (phase_) {
    case Phase::ProxyHeader:
      read_proxy_header();
      break;
    case Phase::Connecting:
      on_connected();
      break;
    case Phase::Queued:
    case Phase::Relaying:
    case Phase::Done:
      break;
  }
}

void Session::on_timeout() {
  switch (phase_) {
    case Phase::ProxyHeader:
      finish({TerminationCause::ClientTimeout, SessionPhase::Request});
      break;
    case Phase::Queued:
      finish({TerminationCause::ServerTimeout, SessionPhase::Queue});
      break;
    case Phase::Connecting:
      connect_failed({TerminationCause::ServerTimeout, SessionPhase::Connect});
      break;
    case Phase::Relaying:
    case Phase::Done:
      break;
  }
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
  watcher_.stop();
  timer_.stop();
  choose_server(nullptr);
}

void Session::choose_server(const ServerShared* exclude) {
  auto& backend = *frontend_.backend;
  std::vector<balance::ServerState> states;
  states.reserve(backend.servers.size());
  for (const auto& s : backend.servers) {
    const auto& live = *s->live;
    states.push_back({live.weight.load(memory_order_relaxed), live.active.load(memory_order_relaxed), s->config.maxconn,
                      live.up.load(memory_order_relaxed) && s.get() != exclude,
                      live.admin.load(memory_order_relaxed) == AdminState::Ready, s->config.backup});
  }
  const balance::PickContext context{states, balance::source_key(record_.client.address), worker_.random()};
  const auto pick = worker_.balancer(backend).pick(context);
  if (pick && take_slot(*backend.servers[*pick])) {
    if (phase_ == Phase::Queued) {
      record_.queue_wait = std::chrono::duration_cast<common::Duration>(worker_.loop().now() - *queued_at_);
      timer_.stop();
      leave_queue();
    } else if (!record_.queue_wait) {
      record_.queue_wait = common::Duration(0);
    }
    connect();
    return;
  }
  if (balance::serving_tier(states)) {
    // Every server in service is full: wait for a slot (bounded).
    if (phase_ != Phase::Queued) {
      phase_ = Phase::Queued;
      queued_at_ = worker_.loop().now();
      raise_max(backend.queued_max, backend.queued.fetch_add(1, memory_order_relaxed) + 1);
      const auto& settings = backend.config.settings;
      timer_.start(settings.timeout_queue.value_or(settings.timeout_connect));
    }
    worker_.enqueue(this);
    return;
  }
  worker_.limiter().log(worker_.logger(), Level::Warning, "nosrv " + backend.config.name,
                        fmt::format("backend {} has no server available!", backend.config.name), worker_.loop().now());
  finish({TerminationCause::ServerAbort, SessionPhase::Connect});
}

void Session::retry_from_queue() {
  if (phase_ == Phase::Queued) choose_server(nullptr);
}

bool Session::take_slot(ServerShared& server) {
  auto& active = server.live->active;
  const auto previous = active.fetch_add(1, memory_order_relaxed);
  if (server.config.maxconn != 0 && previous >= server.config.maxconn) {
    active.fetch_sub(1, memory_order_relaxed);  // another thread took the last slot
    return false;
  }
  server_ = &server;
  record_.server = server.config.name;
  server.live->counters.add(counter_slot(), ServerCounter::Sessions);
  raise_max(server.live->active_max, previous + 1);
  return true;
}

void Session::release_slot() {
  if (server_ == nullptr) return;
  server_->live->active.fetch_sub(1, memory_order_relaxed);
  server_ = nullptr;
}

void Session::connect() {
  phase_ = Phase::Connecting;
  ++attempts_;
  connect_started_ = worker_.loop().now();
  const auto address = common::io::to_socket_address(server_->config.address);
  server_fd_.reset(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!server_fd_) {
    finish({TerminationCause::Resource, SessionPhase::Connect});
    return;
  }
  set_no_delay(server_fd_.get());
  if (::connect(server_fd_.get(), address.get(), address.length) != 0 && errno != EINPROGRESS) {
    connect_failed({TerminationCause::ServerAbort, SessionPhase::Connect});
    return;
  }
  timer_.start(frontend_.backend->config.settings.timeout_connect);
  watcher_.start(server_fd_.get(), EV_WRITE);
}

void Session::on_connected() {
  int error = 0;
  socklen_t length = sizeof error;
  ::getsockopt(server_fd_.get(), SOL_SOCKET, SO_ERROR, &error, &length);
  if (error == EINPROGRESS) return;
  watcher_.stop();
  timer_.stop();
  if (error != 0) {
    connect_failed({TerminationCause::ServerAbort, SessionPhase::Connect});
    return;
  }
  record_.connect = std::chrono::duration_cast<common::Duration>(worker_.loop().now() - *connect_started_);
  if (server_->config.send_proxy != config::ProxyProtocol::None) {
    proxy_protocol::ProxyHeader header;
    header.version = server_->config.send_proxy == config::ProxyProtocol::V1 ? proxy_protocol::Version::V1
                                                                             : proxy_protocol::Version::V2;
    header.command = proxy_protocol::Command::Proxy;
    header.addresses = proxy_protocol::ProxyAddresses{record_.client, local_address_};
    const auto bytes = proxy_protocol::encode(header);
    // A fresh connection's send buffer takes a header of this size at once.
    if (::send(server_fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
      connect_failed({TerminationCause::ServerAbort, SessionPhase::Connect});
      return;
    }
  }
  start_relay();
}

// Retries go to the same server; with `redispatch`, the last one goes to
// another server (HAProxy's option redispatch).
void Session::connect_failed(log::TerminationState why) {
  watcher_.stop();
  timer_.stop();
  server_fd_.reset();
  auto* failed = server_;
  failed->live->counters.add(counter_slot(), ServerCounter::ConnectErrors);
  const auto& settings = frontend_.backend->config.settings;
  if (attempts_ > settings.retries) {
    finish(why);
    return;
  }
  ++record_.retries;
  failed->live->counters.add(counter_slot(), ServerCounter::Retries);
  if (settings.redispatch && attempts_ == settings.retries && frontend_.backend->servers.size() > 1) {
    record_.redispatched = true;
    failed->live->counters.add(counter_slot(), ServerCounter::Redispatches);
    release_slot();
    choose_server(failed);
    return;
  }
  connect();
}

void Session::start_relay() {
  phase_ = Phase::Relaying;
  const auto& settings = frontend_.backend->config.settings;
  relay_ = std::make_unique<Relay>(worker_.loop(), worker_.pipes(), worker_.buffers(), client_.get(), server_fd_.get(),
                                   frontend_.config.settings.timeout_client, settings.timeout_server,
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

void Session::finish(log::TerminationState termination) {
  if (phase_ == Phase::Done) return;
  if (phase_ == Phase::Queued) leave_queue();
  count_outcome(termination);
  phase_ = Phase::Done;
  watcher_.stop();
  timer_.stop();
  record_.termination = termination;
  record_.total = elapsed();
  record_.process_connections = worker_.process().connections.load(memory_order_relaxed);
  record_.frontend_connections = frontend_.active.load(memory_order_relaxed);
  record_.backend_connections = frontend_.backend ? frontend_.backend->active.load(memory_order_relaxed) : 0;
  record_.server_connections = server_ ? server_->live->active.load(memory_order_relaxed) : 0;
  const bool null_connection = record_.bytes_from_client == 0;
  if (!(frontend_.config.settings.dontlognull && null_connection)) {
    worker_.logger().log(Level::Info, frontend_.log_format.render(record_));
  }
  if (relay_) relay_->stop();  // before its descriptors close; destroyed with the session
  server_fd_.reset();
  client_.reset();
  release_counts();
  worker_.session_done(this);
}

}  // namespace proxyd::io
