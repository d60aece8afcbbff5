// One client connection through proxyd in TCP mode, from accept to the log
// line: optional PROXY header from the client, optional TLS ClientHello
// peek for SNI routing (`use_backend = NAME if sni HOST`, TLS passthrough),
// a server through the Connector (choice, queue, retries, PROXY header to
// the server), then the Relay until both sides are done.
#pragma once

#include <memory>
#include <optional>

#include "common/core/address.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/log/tcp_session_record.h"
#include "proxyd/core/sample/variables.h"
#include "proxyd/io/connector.h"
#include "proxyd/io/generation.h"
#include "proxyd/io/relay.h"
#include "proxyd/io/session_base.h"

namespace proxyd::io {

class Worker;

class Session final : public SessionBase {
 public:
  Session(Worker& worker, GenerationPtr generation, FrontendShared& frontend, common::io::UniqueFd client,
          const common::net::Endpoint& client_address, const common::net::Endpoint& local_address);
  ~Session() override;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() override;
  void retry_from_queue() override { connector_.retry_from_queue(); }
  void kill() override;
  void shut_down_for(const ServerLive* server) override;

 private:
  enum class Phase { ProxyHeader, ClientHello, Connecting, Relaying, Done };

  void on_io();
  void on_timeout();
  void read_proxy_header();
  void read_client_hello();
  void wait_for_more();
  void watch_client_close();
  // Past the PROXY header (and the ClientHello when routing by SNI).
  void route(std::string_view sni);
  void on_connector(std::optional<log::TerminationState> failure);
  void start_relay();
  void finish(log::TerminationState termination, bool log = true);
  sample::Context rule_context() const;
  // After the PROXY header (if any): the session rules, then the wait for content.
  void after_proxy_header();
  // Whether the content stage must see the client's first bytes.
  bool wants_content() const;
  void count_outcome(log::TerminationState termination);
  void release_counts();
  std::size_t counter_slot() const;
  common::Duration elapsed() const;

  Worker& worker_;
  GenerationPtr generation_;
  FrontendShared& frontend_;
  BackendShared* backend_ = nullptr;
  common::io::UniqueFd client_;
  common::io::UniqueFd server_fd_;
  common::net::Endpoint local_address_;
  log::TcpSessionRecord record_;
  common::TimePoint started_;
  Phase phase_ = Phase::ProxyHeader;
  bool counts_released_ = false;
  common::io::IoWatcher watcher_;
  common::io::TimerWatcher timer_;
  common::io::TimerWatcher repeek_;
  Connector connector_;
  std::unique_ptr<Relay> relay_;
  sample::Variables vars_;   // tcp_request set-var: sess, txn
  std::int64_t peeked_ = 0;  // bytes of the client's request seen (req.len)
  bool hello_seen_ = false;  // they hold a whole TLS ClientHello
};

}  // namespace proxyd::io
