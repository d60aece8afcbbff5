// One client connection through proxyd in TCP mode, from accept to the log
// line: optional PROXY header from the client, server choice, queueing when
// every server is full, connection with retries (the last one redispatched
// to another server when `redispatch` is on), optional PROXY header to the
// server, then the Relay until both sides are done.
#pragma once

#include <memory>
#include <optional>

#include "common/core/address.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/log/tcp_session_record.h"
#include "proxyd/io/generation.h"
#include "proxyd/io/relay.h"

namespace proxyd::io {

class Worker;

class Session {
 public:
  Session(Worker& worker, GenerationPtr generation, FrontendShared& frontend, common::io::UniqueFd client,
          const common::net::Endpoint& client_address, const common::net::Endpoint& local_address);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();
  // A server slot may have been freed: a queued session tries again.
  void retry_from_queue();
  // Ends the session now (hard stop), logged as killed.
  void kill();
  BackendShared* backend() const { return frontend_.backend; }

 private:
  enum class Phase { ProxyHeader, Queued, Connecting, Relaying, Done };

  void on_io();
  void on_timeout();
  void read_proxy_header();
  void choose_server(const ServerShared* exclude);
  bool take_slot(ServerShared& server);
  void release_slot();
  void release_counts();
  void connect();
  void on_connected();
  void connect_failed(log::TerminationState why);
  void start_relay();
  void finish(log::TerminationState termination);
  void count_outcome(log::TerminationState termination);
  void leave_queue();
  // This worker's line in the per-worker counters.
  std::size_t counter_slot() const;
  common::Duration elapsed() const;

  Worker& worker_;
  GenerationPtr generation_;
  FrontendShared& frontend_;
  common::io::UniqueFd client_;
  common::io::UniqueFd server_fd_;
  common::net::Endpoint local_address_;
  ServerShared* server_ = nullptr;
  log::TcpSessionRecord record_;
  common::TimePoint started_;
  std::optional<common::TimePoint> queued_at_;
  std::optional<common::TimePoint> connect_started_;
  std::uint32_t attempts_ = 0;
  Phase phase_ = Phase::ProxyHeader;
  bool counts_released_ = false;
  common::io::IoWatcher watcher_;
  common::io::TimerWatcher timer_;
  std::unique_ptr<Relay> relay_;
};

}  // namespace proxyd::io
