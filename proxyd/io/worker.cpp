#include "proxyd/io/worker.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "common/io/socket_address.h"
#include "proxyd/core/balance/balancer_factory.h"
#include "proxyd/io/http_session.h"
#include "proxyd/io/session.h"
#include "proxyd/io/socket_options.h"

namespace proxyd::io {

using common::log::Level;

namespace {

constexpr int kAcceptsPerEvent = 64;  // then let established sessions run

// Distinct per worker and per run; randomness here only spreads load.
std::uint64_t seed_for(int index) {
  const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return now ^ (std::uint64_t{0x9e3779b97f4a7c15} * static_cast<std::uint64_t>(index + 1));
}

}  // namespace

Listener::Listener(Worker& worker, common::io::UniqueFd fd, const common::net::Endpoint& address)
    : worker_(worker), fd_(std::move(fd)), address_(address), watcher_(worker.loop(), [this](int) { on_readable(); }) {}

void Listener::set_frontend(GenerationPtr generation, FrontendShared* frontend) {
  generation_ = std::move(generation);
  frontend_ = frontend;
  // A client on a Unix socket has no port: logs show the bind's number
  // instead ("unix:1"), as HAProxy.
  const auto& binds = frontend_->config.binds;
  const auto bind = std::find_if(binds.begin(), binds.end(), [this](const auto& b) { return b.address == address_; });
  bind_id_ = static_cast<std::uint16_t>(bind - binds.begin() + 1);
}

Listener::~Listener() {
  if (paused_) worker_.process().waiters.fetch_sub(1, std::memory_order_relaxed);
}

void Listener::pause() {
  if (paused_) return;
  paused_ = true;
  watcher_.stop();
  worker_.process().waiters.fetch_add(1, std::memory_order_relaxed);
}

void Listener::resume() {
  if (paused_) {
    paused_ = false;
    worker_.process().waiters.fetch_sub(1, std::memory_order_relaxed);
  }
  if (!watcher_.active()) watcher_.start(fd_.get(), EV_READ);
}

void Listener::on_readable() {
  auto& process = worker_.process();
  for (int i = 0; i < kAcceptsPerEvent; ++i) {
    if (process.connections.load(std::memory_order_relaxed) >= process.maxconn) {
      worker_.pause_listeners();
      return;
    }
    const auto limit = frontend_->config.settings.maxconn;
    if (limit != 0 && frontend_->active.load(std::memory_order_relaxed) >= limit) {
      pause();
      return;
    }
    common::io::SocketAddress peer;
    peer.length = sizeof peer.storage;
    common::io::UniqueFd client(::accept4(fd_.get(), peer.get(), &peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!client) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) return;
      worker_.limiter().log(worker_.logger(), Level::Error, "accept",
                            fmt::format("accept on {}: {}", address_.to_string(), std::strerror(errno)),
                            worker_.loop().now());
      return;  // EMFILE and friends: the next readiness event retries
    }
    const auto& settings = frontend_->config.settings;
    if (settings.client_tcp_keepalive) enable_tcp_keepalive(client.get(), settings.client_tcpka);
    common::io::SocketAddress local;
    local.length = sizeof local.storage;
    ::getsockname(client.get(), local.get(), &local.length);
    auto client_endpoint = common::io::to_endpoint(peer);
    if (client_endpoint && client_endpoint->is_unix()) client_endpoint->port = bind_id_;
    // A Unix socket's own name is the temporary one it was bound at.
    auto local_endpoint = common::io::to_endpoint(local);
    if (address_.is_unix()) local_endpoint = address_;
    process.connections.fetch_add(1, std::memory_order_relaxed);
    frontend_->active.fetch_add(1, std::memory_order_relaxed);
    const auto tls = frontend_->tls.find(address_);
    worker_.accept_session(generation_, *frontend_, std::move(client),
                           client_endpoint.value_or(common::net::Endpoint{}), local_endpoint.value_or(address_),
                           tls == frontend_->tls.end() ? nullptr : tls->second);
  }
}

Worker::Worker(int index, WorkerContext context)
    : index_(index),
      context_(std::move(context)),
      random_(seed_for(index)),
      reaper_(loop_, [this] { graveyard_.clear(); }),
      inbox_watcher_(loop_, [this] { drain_inbox(); }),
      slots_watcher_(loop_, [this] { on_slots_freed(); }),
      clock_timer_(loop_, [this] { refresh_utc_offset(); }) {
  refresh_utc_offset();
  clock_timer_.start(std::chrono::seconds(60), std::chrono::seconds(60));
}

Worker::~Worker() {
  join();
}

void Worker::start_thread(const std::vector<std::uint32_t>& cpus) {
  thread_ = std::thread([this] { loop_.run(); });
  if (cpus.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (const auto cpu : cpus) {
    if (cpu < CPU_SETSIZE) CPU_SET(cpu, &set);
  }
  if (const int rc = ::pthread_setaffinity_np(thread_.native_handle(), sizeof set, &set); rc != 0) {
    context_.logger.warning("cpu_map: thread {} cannot be bound to its CPUs: {}", index_ + 1, std::strerror(rc));
  }
}

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::post(std::function<void(Worker&)> task) {
  {
    std::lock_guard lock(inbox_mutex_);
    inbox_.push_back(std::move(task));
  }
  inbox_watcher_.send();
}

void Worker::drain_inbox() {
  std::vector<std::function<void(Worker&)>> tasks;
  {
    std::lock_guard lock(inbox_mutex_);
    tasks.swap(inbox_);
  }
  for (auto& task : tasks) task(*this);
}

void Worker::refresh_utc_offset() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  utc_offset_ = std::chrono::minutes(local.tm_gmtoff / 60);
}

void Worker::apply(ListenerUpdate update) {
  // Addresses gone from the configuration close; the others switch to the
  // new generation's frontend; new ones start.
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    it = update.frontend_of.contains(it->first) ? std::next(it) : listeners_.erase(it);
  }
  for (auto& [address, fd] : update.added) {
    listeners_[address] = std::make_unique<Listener>(*this, std::move(fd), address);
  }
  for (auto& [address, listener] : listeners_) {
    listener->set_frontend(update.generation, update.generation->find_frontend(update.frontend_of.at(address)));
    listener->resume();
  }
  balancers_.clear();  // the new generation's backends get fresh balancers
  // Keep-alive clients move to the new configuration at their next request.
  drain_sessions();
}

void Worker::close_listeners() {
  listeners_.clear();
}

void Worker::drain_sessions() {
  server_pool_.clear();
  // drain() may end a session, which then leaves sessions_: iterate a copy.
  std::vector<SessionBase*> current;
  for (auto& s : sessions_) current.push_back(s.get());
  for (auto* s : current) s->drain();
}

void Worker::kill_sessions() {
  while (!sessions_.empty()) sessions_.front()->kill();
}

void Worker::shut_down_sessions(const ServerLive* server) {
  std::vector<SessionBase*> all;
  for (const auto& s : sessions_) all.push_back(s.get());
  // Ending a session removes only itself from sessions_.
  for (auto* s : all) s->shut_down_for(server);
}

void Worker::stop_loop() {
  loop_.break_loop();
}

balance::Balancer& Worker::balancer(const BackendShared& backend) {
  auto& b = balancers_[&backend];
  if (!b) b = balance::make_balancer(backend.config.settings.balance, backend.config.settings.hash_type);
  return *b;
}

void Worker::accept_session(GenerationPtr generation, FrontendShared& frontend, common::io::UniqueFd client,
                            const common::net::Endpoint& client_address, const common::net::Endpoint& local_address,
                            std::shared_ptr<const TlsServerContext> tls) {
  if (frontend.config.settings.mode == config::Mode::Http) {
    sessions_.push_back(std::make_unique<HttpSession>(*this, std::move(generation), frontend, std::move(client),
                                                      client_address, local_address, std::move(tls)));
  } else {
    sessions_.push_back(std::make_unique<Session>(*this, std::move(generation), frontend, std::move(client),
                                                  client_address, local_address));
  }
  auto it = std::prev(sessions_.end());
  where_[it->get()] = it;
  session_count_.fetch_add(1, std::memory_order_relaxed);
  (*it)->start();
}

void Worker::session_done(SessionBase* session) {
  dequeue(session);
  const auto it = where_.find(session);
  if (it == where_.end()) return;
  auto node = it->second;
  where_.erase(it);
  graveyard_.push_back(std::move(*node));
  sessions_.erase(node);
  if (!reaper_.active()) reaper_.start(std::chrono::nanoseconds(0));
  session_count_.fetch_sub(1, std::memory_order_relaxed);
  if (context_.process.waiters.load(std::memory_order_relaxed) > 0) context_.broadcast_slots_freed();
}

void Worker::enqueue(SessionBase* session) {
  waiting_.push_back(session);
  context_.process.waiters.fetch_add(1, std::memory_order_relaxed);
}

void Worker::dequeue(SessionBase* session) {
  const auto removed = std::erase(waiting_, session);
  context_.process.waiters.fetch_sub(static_cast<std::int32_t>(removed), std::memory_order_relaxed);
}

void Worker::pause_listeners() {
  for (auto& [address, listener] : listeners_) listener->pause();
}

void Worker::on_slots_freed() {
  for (auto& [address, listener] : listeners_) {
    if (!listener->paused()) continue;
    const auto* fe = listener->frontend();
    const bool process_ok = context_.process.connections.load(std::memory_order_relaxed) < context_.process.maxconn;
    const bool frontend_ok =
        fe->config.settings.maxconn == 0 || fe->active.load(std::memory_order_relaxed) < fe->config.settings.maxconn;
    if (process_ok && frontend_ok) listener->resume();
  }
  // Queued sessions try again, oldest first; those still without a slot
  // queue again behind.
  auto waiting = std::move(waiting_);
  waiting_.clear();
  context_.process.waiters.fetch_sub(static_cast<std::int32_t>(waiting.size()), std::memory_order_relaxed);
  for (auto* s : waiting) s->retry_from_queue();
}

}  // namespace proxyd::io
