#include "proxyd/io/connector.h"

#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "common/io/socket_address.h"
#include "proxyd/core/balance/balancer.h"
#include "proxyd/core/balance/slowstart.h"
#include "proxyd/core/balance/source_hash.h"
#include "proxyd/core/proxy_protocol/proxy_encoder.h"
#include "proxyd/io/session_base.h"
#include "proxyd/io/socket_options.h"
#include "proxyd/io/worker.h"

namespace proxyd::io {

using common::log::Level;
using log::SessionPhase;
using log::TerminationCause;
using std::memory_order_relaxed;

Connector::Connector(Worker& worker, SessionBase& owner, log::TcpSessionRecord& record, Done done)
    : worker_(worker),
      owner_(owner),
      record_(record),
      done_(std::move(done)),
      watcher_(worker.loop(), [this](int) { on_connected(); }),
      timer_(worker.loop(), [this] {
        if (phase_ == Phase::Queued) {
          leave_queue();
          finish(log::TerminationState{TerminationCause::ServerTimeout, SessionPhase::Queue});
        } else if (phase_ == Phase::Connecting) {
          failed({TerminationCause::ServerTimeout, SessionPhase::Connect});
        }
      }) {}

Connector::~Connector() {
  cancel();
  release_slot();
}

std::size_t Connector::slot() const {
  return static_cast<std::size_t>(worker_.index());
}

void Connector::start(const Target& target, Reuse reuse) {
  target_ = target;
  reuse_ = std::move(reuse);
  attempts_ = 0;
  choose(nullptr);
}

void Connector::retry_from_queue() {
  if (phase_ == Phase::Queued) choose(nullptr);
}

void Connector::cancel() {
  if (phase_ == Phase::Queued) leave_queue();
  phase_ = Phase::Idle;
  watcher_.stop();
  timer_.stop();
  fd_.reset();
}

void Connector::leave_queue() {
  target_.backend->queued.fetch_sub(1, memory_order_relaxed);
  if (counted_on_ != nullptr) counted_on_->live->queued.fetch_sub(1, memory_order_relaxed);
  counted_on_ = nullptr;
  worker_.dequeue(&owner_);
  phase_ = Phase::Idle;
}

void Connector::finish(std::optional<log::TerminationState> failure) {
  if (phase_ == Phase::Queued) leave_queue();  // e.g. no server left in service while queued
  phase_ = Phase::Idle;
  watcher_.stop();
  timer_.stop();
  done_(failure);  // may destroy this
}

// The weight the balancer sees: as set, or scaled and ramped in a backend
// with slowstart (balance/slowstart.h).
std::uint32_t Connector::weight_of(const ServerShared& server) const {
  const auto weight = server.live->weight.load(memory_order_relaxed);
  if (!target_.backend->ramps) return weight;
  const auto since = server.live->back_since_ns.load(memory_order_relaxed);
  if (since == 0) return weight * balance::kWeightScale;
  const auto elapsed = worker_.loop().now().time_since_epoch() - std::chrono::nanoseconds(since);
  return balance::slowstart_weight(weight, std::chrono::duration_cast<common::Duration>(elapsed),
                                   server.config.slowstart);
}

// The balancer's choice among the backend's servers, or the persistence
// cookie's server while it can take the connection.
std::optional<std::size_t> Connector::pick(const ServerShared* exclude, bool& any_in_service) {
  auto& backend = *target_.backend;
  auto& states = states_;  // reused: no allocation per pick
  waiting_for_ = nullptr;
  states.clear();
  states.reserve(backend.servers.size());
  std::optional<std::size_t> preferred;
  for (const auto& s : backend.servers) {
    const auto& live = *s->live;
    states.push_back(
        {weight_of(*s), live.active.load(memory_order_relaxed), live.maxconn.load(memory_order_relaxed),
         live.up.load(memory_order_relaxed) && s.get() != exclude,
         live.admin.load(memory_order_relaxed) == AdminState::Ready && live.resolved.load(memory_order_relaxed),
         s->config.backup});
    if (s.get() == target_.preferred) preferred = states.size() - 1;
  }
  any_in_service = balance::serving_tier(states).has_value();
  if (preferred) {
    // A cookie names a server that is up and has room: it wins (HAProxy
    // sends it there even when it is a backup or weight 0).
    const auto& state = states[*preferred];
    if (state.up && state.ready && state.has_free_slot()) return preferred;
    if (state.up && state.ready && may_wait_for(*backend.servers[*preferred])) {
      waiting_for_ = backend.servers[*preferred].get();
      any_in_service = true;  // full: wait for it
      return std::nullopt;
    }
    // Its queue is at maxqueue: persistence yields to the balancer (HAProxy).
  }
  balance::PickContext context{states, balance::source_key(target_.client.address), worker_.random()};
  context.request_key = target_.request_key;
  return worker_.balancer(backend).pick(context);
}

void Connector::choose(const ServerShared* exclude) {
  auto& backend = *target_.backend;
  bool any_in_service = false;
  const auto index = pick(exclude, any_in_service);
  if (index && take_slot(*backend.servers[*index])) {
    if (phase_ == Phase::Queued) {
      record_.queue_wait = std::chrono::duration_cast<common::Duration>(worker_.loop().now() - queued_at_);
      timer_.stop();
      leave_queue();
    } else if (!record_.queue_wait) {
      record_.queue_wait = common::Duration(0);
    }
    if (reuse_ && reuse_(*server_)) {
      record_.connect = common::Duration(0);
      finish(std::nullopt);
      return;
    }
    connect();
    return;
  }
  if (any_in_service) {
    // Every server in service is full: wait for a slot (bounded).
    if (phase_ != Phase::Queued) {
      phase_ = Phase::Queued;
      queued_at_ = worker_.loop().now();
      raise_max(backend.queued_max, backend.queued.fetch_add(1, memory_order_relaxed) + 1);
      const auto& settings = backend.config.settings;
      timer_.start(settings.timeout_queue.value_or(settings.timeout_connect));
    }
    count_waiting();
    worker_.enqueue(&owner_);
    return;
  }
  worker_.limiter().log(worker_.logger(), Level::Warning, "nosrv " + backend.config.name,
                        fmt::format("backend {} has no server available!", backend.config.name), worker_.loop().now());
  finish(log::TerminationState{TerminationCause::ServerAbort, SessionPhase::Connect});
}

// True while <server>'s own queue has room for us (maxqueue; 0 = unlimited).
bool Connector::may_wait_for(const ServerShared& server) const {
  const auto limit = server.config.maxqueue;
  if (limit == 0) return true;
  const auto others = server.live->queued.load(memory_order_relaxed) - (counted_on_ == &server ? 1U : 0U);
  return others < limit;
}

// Moves our place in a server's own queue to the server we now wait for.
void Connector::count_waiting() {
  if (counted_on_ == waiting_for_) return;
  if (counted_on_ != nullptr) counted_on_->live->queued.fetch_sub(1, memory_order_relaxed);
  counted_on_ = waiting_for_;
  if (counted_on_ != nullptr) counted_on_->live->queued.fetch_add(1, memory_order_relaxed);
}

bool Connector::take_slot(ServerShared& server) {
  auto& active = server.live->active;
  const auto previous = active.fetch_add(1, memory_order_relaxed);
  const auto maxconn = server.live->maxconn.load(memory_order_relaxed);
  if (maxconn != 0 && previous >= maxconn) {
    active.fetch_sub(1, memory_order_relaxed);  // another thread took the last slot
    return false;
  }
  server_ = &server;
  record_.server = server.config.name;
  server.live->counters.add(slot(), ServerCounter::Sessions);
  raise_max(server.live->active_max, previous + 1);
  return true;
}

void Connector::release_slot() {
  if (server_ == nullptr) return;
  server_->live->active.fetch_sub(1, memory_order_relaxed);
  server_ = nullptr;
}

void Connector::connect() {
  phase_ = Phase::Connecting;
  ++attempts_;
  connect_started_ = worker_.loop().now();
  address_epoch_ = server_->live->address_epoch.load(std::memory_order_acquire);
  auto endpoint = server_->live->address();
  // A server without a port takes the port the client connected to (HAProxy).
  if (endpoint.port == 0 && !endpoint.is_unix()) endpoint.port = target_.local.port;
  const auto address = common::io::to_socket_address(endpoint);
  fd_.reset(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd_) {
    finish(log::TerminationState{TerminationCause::Resource, SessionPhase::Connect});
    return;
  }
  // Data is forwarded as soon as it is read; Nagle's algorithm would only
  // hold small segments back (HAProxy disables it too).
  const int on = 1;
  ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  const auto& settings = target_.backend->config.settings;
  if (settings.server_tcp_keepalive) enable_tcp_keepalive(fd_.get(), settings.server_tcpka);
  if (::connect(fd_.get(), address.get(), address.length) != 0 && errno != EINPROGRESS) {
    failed({TerminationCause::ServerAbort, SessionPhase::Connect});
    return;
  }
  timer_.start(target_.backend->config.settings.timeout_connect);
  watcher_.start(fd_.get(), EV_WRITE);
}

void Connector::on_connected() {
  int error = 0;
  socklen_t length = sizeof error;
  ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &length);
  if (error == EINPROGRESS) return;
  watcher_.stop();
  timer_.stop();
  if (error != 0) {
    failed({TerminationCause::ServerAbort, SessionPhase::Connect});
    return;
  }
  record_.connect = std::chrono::duration_cast<common::Duration>(worker_.loop().now() - connect_started_);
  if (target_.reports != nullptr) observe(*server_, *target_.reports, health::Observation::Layer4Ok);
  if (server_->config.send_proxy != config::ProxyProtocol::None) {
    proxy_protocol::ProxyHeader header;
    header.version = server_->config.send_proxy == config::ProxyProtocol::V1 ? proxy_protocol::Version::V1
                                                                             : proxy_protocol::Version::V2;
    header.command = proxy_protocol::Command::Proxy;
    // A Unix socket has no IP address: "PROXY UNKNOWN" (v1), UNSPEC (v2).
    if (!target_.client.is_unix() && !target_.local.is_unix()) {
      header.addresses = proxy_protocol::ProxyAddresses{target_.client, target_.local};
    }
    const auto bytes = proxy_protocol::encode(header);
    // A fresh connection's send buffer takes a header of this size at once.
    if (::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
      failed({TerminationCause::ServerAbort, SessionPhase::Connect});
      return;
    }
  }
  finish(std::nullopt);
}

// Retries go to the same server; with `redispatch`, the last one goes to
// another server (HAProxy's option redispatch).
void Connector::failed(log::TerminationState why) {
  watcher_.stop();
  timer_.stop();
  fd_.reset();
  auto* failed_server = server_;
  failed_server->live->counters.add(slot(), ServerCounter::ConnectErrors);
  if (target_.reports != nullptr) observe(*failed_server, *target_.reports, health::Observation::Layer4Error);
  const auto& settings = target_.backend->config.settings;
  if (attempts_ > settings.retries) {
    finish(why);
    return;
  }
  ++record_.retries;
  failed_server->live->counters.add(slot(), ServerCounter::Retries);
  if (settings.redispatch && attempts_ == settings.retries && target_.backend->servers.size() > 1) {
    record_.redispatched = true;
    failed_server->live->counters.add(slot(), ServerCounter::Redispatches);
    release_slot();
    choose(failed_server);
    return;
  }
  connect();
}

}  // namespace proxyd::io
