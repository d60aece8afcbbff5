// A worker thread: its own event loop, its own SO_REUSEPORT listening
// sockets, and the sessions they accept. Nothing on the data path is shared
// with other workers except relaxed atomics in the Generation. The control
// thread talks to a worker only through post(), which runs a function on the
// worker's loop.
#pragma once

#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/core/log/logger.h"
#include "common/core/log/rate_limiter.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/balance/balancer.h"
#include "proxyd/core/balance/random_source.h"
#include "proxyd/io/buffer_pool.h"
#include "proxyd/io/generation.h"
#include "proxyd/io/pipe_pool.h"
#include "proxyd/io/server_pool.h"
#include "proxyd/io/service_call.h"
#include "proxyd/io/session_base.h"

namespace proxyd::io {

class TlsServerContext;
class Worker;

// One listening socket of one worker.
class Listener {
 public:
  Listener(Worker& worker, common::io::UniqueFd fd, const common::net::Endpoint& address);
  ~Listener();
  void set_frontend(GenerationPtr generation, FrontendShared* frontend);
  const common::net::Endpoint& address() const { return address_; }
  // Stops accepting (connections wait in the kernel backlog).
  void pause();
  void resume();
  bool paused() const { return paused_; }
  FrontendShared* frontend() const { return frontend_; }

 private:
  void on_readable();

  Worker& worker_;
  common::io::UniqueFd fd_;
  common::net::Endpoint address_;
  std::uint16_t bind_id_ = 0;  // 1 for the frontend's first bind line
  GenerationPtr generation_;
  FrontendShared* frontend_ = nullptr;
  bool paused_ = false;
  common::io::IoWatcher watcher_;
};

// What a worker needs from the process around it.
struct WorkerContext {
  ProcessShared& process;
  common::log::Logger& logger;
  // Tells every worker that connection slots were freed (they resume paused
  // listeners and retry queued sessions). Thread-safe.
  std::function<void()> broadcast_slots_freed;
  // Renders a page on the control thread (ServiceCall). Thread-safe.
  std::function<void(ServiceCall)> serve;
};

// New listening sockets for a worker, by address, with the frontend of the
// new generation that owns each address (sockets for addresses it already
// listens on are not in <added>: it keeps its own).
struct ListenerUpdate {
  GenerationPtr generation;
  std::map<common::net::Endpoint, common::io::UniqueFd> added;
  std::map<common::net::Endpoint, std::string> frontend_of;  // every address of the new generation
};

class Worker {
 public:
  Worker(int index, WorkerContext context);
  ~Worker();

  // <cpus>: the CPUs the thread may run on (cpu_map); empty: any.
  void start_thread(const std::vector<std::uint32_t>& cpus = {});
  void join();
  // Runs <task> on this worker's loop (thread-safe).
  void post(std::function<void(Worker&)> task);
  // Wakes the worker to resume listeners and queued sessions (thread-safe).
  void notify_slots_freed() { slots_watcher_.send(); }
  // Asks the control thread for a page (a session's stats page or metrics).
  void serve(ServiceCall call) { context_.serve(std::move(call)); }

  // Control messages, to be called through post().
  void apply(ListenerUpdate update);
  void close_listeners();
  // Asks every session to end at its next occasion (SessionBase::drain) and
  // closes idle server connections.
  void drain_sessions();
  void kill_sessions();
  // Ends the sessions connected to <server> (SessionBase::shut_down_for).
  void shut_down_sessions(const ServerLive* server);
  void stop_loop();
  void on_slots_freed();

  // For listeners and sessions (worker thread only).
  common::io::EventLoop& loop() { return loop_; }
  PipePool& pipes() { return pipes_; }
  BufferPool& buffers() { return buffers_; }
  ServerPool& server_pool() { return server_pool_; }
  common::log::Logger& logger() { return context_.logger; }
  common::log::RateLimiter& limiter() { return limiter_; }
  ProcessShared& process() { return context_.process; }
  int index() const { return index_; }
  balance::Balancer& balancer(const BackendShared& backend);
  balance::RandomSource& random() { return random_; }
  std::chrono::minutes utc_offset() const { return utc_offset_; }
  // Starts the session of a new connection: TCP or HTTP by the frontend's
  // mode, TLS when <tls> (the bind terminates TLS).
  void accept_session(GenerationPtr generation, FrontendShared& frontend, common::io::UniqueFd client,
                      const common::net::Endpoint& client_address, const common::net::Endpoint& local_address,
                      std::shared_ptr<const TlsServerContext> tls);
  void session_done(SessionBase* session);
  void enqueue(SessionBase* session);
  void dequeue(SessionBase* session);
  // Pauses accepting while a limit is reached (connections wait in the
  // kernel backlog, they are not refused).
  void pause_listeners();
  std::size_t session_count() const { return session_count_.load(std::memory_order_relaxed); }

 private:
  void drain_inbox();
  void refresh_utc_offset();

  int index_;
  WorkerContext context_;
  common::io::EventLoop loop_{false};
  PipePool pipes_;
  BufferPool buffers_;
  ServerPool server_pool_{loop_};
  common::log::RateLimiter limiter_{5, common::Duration(10'000)};
  balance::SplitMix64 random_;
  std::map<common::net::Endpoint, std::unique_ptr<Listener>> listeners_;
  std::map<const BackendShared*, std::unique_ptr<balance::Balancer>> balancers_;
  std::list<std::unique_ptr<SessionBase>> sessions_;
  std::map<const SessionBase*, std::list<std::unique_ptr<SessionBase>>::iterator> where_;
  std::deque<SessionBase*> waiting_;
  // Finished sessions, destroyed on the next loop iteration: a session ends
  // from inside its own callbacks.
  std::vector<std::unique_ptr<SessionBase>> graveyard_;
  common::io::TimerWatcher reaper_;
  std::atomic<std::size_t> session_count_{0};
  std::chrono::minutes utc_offset_{0};
  std::mutex inbox_mutex_;
  std::vector<std::function<void(Worker&)>> inbox_;
  common::io::AsyncWatcher inbox_watcher_;
  common::io::AsyncWatcher slots_watcher_;
  common::io::TimerWatcher clock_timer_;
  std::thread thread_;
};

}  // namespace proxyd::io
