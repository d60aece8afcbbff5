// Gets a session a connection to one server of a backend, the way HAProxy
// does for both modes: the balancer (or a persistence cookie) picks the
// server, the session takes a slot in it (per-server maxconn), queues when
// every server in service is full (bounded by timeout_queue), connects with
// retries (the last one redispatched to another server with `redispatch`),
// and sends the PROXY header when the server asks for one. Fills the
// timers and retry fields of the session's log record on the way.
#pragma once

#include <functional>
#include <optional>

#include "common/core/address.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/balance/balancer.h"
#include "proxyd/core/log/tcp_session_record.h"
#include "proxyd/io/generation.h"

namespace proxyd::io {

class SessionBase;
class Worker;

class Connector {
 public:
  struct Target {
    BackendShared* backend = nullptr;
    common::net::Endpoint client;              // the original client (PROXY header, source hashing)
    common::net::Endpoint local;               // the address the client reached
    std::optional<std::uint64_t> request_key;  // uri / hdr hashing
    ServerShared* preferred = nullptr;         // cookie persistence: taken when usable
    ErrorReports* reports = nullptr;           // observe: the generation's (error_reports.h)
  };
  // Called once a server is connected (nullopt) or when giving up (the
  // termination state to log). May destroy the Connector's owner.
  using Done = std::function<void(std::optional<log::TerminationState> failure)>;
  // Offered the chosen server before connecting: returns true when the
  // session already has a connection to it (HTTP keep-alive, idle pool),
  // which then counts as connected.
  using Reuse = std::function<bool(ServerShared& server)>;

  Connector(Worker& worker, SessionBase& owner, log::TcpSessionRecord& record, Done done);
  ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  // Chooses, queues or connects; ends with one call to <done>.
  void start(const Target& target, Reuse reuse = {});
  void retry_from_queue();
  // Stops waiting (queue, connect); keeps the server slot.
  void cancel();
  // The server holding our slot (nullptr before one was taken or after release).
  ServerShared* server() const { return server_; }
  // The connected socket, handed over after success.
  common::io::UniqueFd take_fd() { return std::move(fd_); }
  // The server's address epoch when the fd taken connected.
  std::uint32_t address_epoch() const { return address_epoch_; }
  // Gives the server slot back (idempotent).
  void release_slot();
  bool queued() const { return phase_ == Phase::Queued; }
  bool connecting() const { return phase_ == Phase::Connecting; }

 private:
  enum class Phase { Idle, Queued, Connecting };

  void choose(const ServerShared* exclude);
  std::optional<std::size_t> pick(const ServerShared* exclude, bool& any_in_service);
  bool take_slot(ServerShared& server);
  void connect();
  void on_connected();
  void failed(log::TerminationState why);
  void leave_queue();
  bool may_wait_for(const ServerShared& server) const;
  std::uint32_t weight_of(const ServerShared& server) const;
  void count_waiting();
  void finish(std::optional<log::TerminationState> failure);
  std::size_t slot() const;

  Worker& worker_;
  SessionBase& owner_;
  log::TcpSessionRecord& record_;
  Done done_;
  Reuse reuse_;
  Target target_;
  ServerShared* server_ = nullptr;
  // The full server a persistence cookie makes us wait for, counted in its
  // ServerLive::queued while we are in the queue (maxqueue).
  ServerShared* waiting_for_ = nullptr;
  ServerShared* counted_on_ = nullptr;
  common::io::UniqueFd fd_;
  std::uint32_t address_epoch_ = 0;
  std::vector<balance::ServerState> states_;  // pick(): the servers as the balancer sees them
  Phase phase_ = Phase::Idle;
  std::uint32_t attempts_ = 0;
  common::TimePoint queued_at_;
  common::TimePoint connect_started_;
  common::io::IoWatcher watcher_;
  common::io::TimerWatcher timer_;
};

}  // namespace proxyd::io
