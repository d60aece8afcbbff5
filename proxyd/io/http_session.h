// One client connection through proxyd in HTTP mode: TLS handshake when the
// bind terminates TLS, then a loop of transactions (request head, routing,
// server, request body, response head, response body) until either side
// closes, both directions driven at once like HAProxy's streams (a server
// may answer before the request body is in). Each transaction gets its own
// log line (httplog).
//
// Connection handling (HAProxy semantics): keep-alive on both sides by
// default, the server connection staying with the client connection while
// the same server is chosen and going to the worker's idle pool when the
// client leaves; `http_server_close` closes the server side after each
// response, `http_close` both sides. An Upgrade answered by 101 turns the
// connection into a tunnel (timeout_tunnel).
//
// Robustness: a request head must complete within timeout_http_request
// (408), is bounded by max_header_size (431), and must parse strictly (400:
// never forwarded); a broken response head gets the client a 502, a silent
// server a 504, no server a 503.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/core/address.h"
#include "common/io/event_loop.h"
#include "common/io/unique_fd.h"
#include "proxyd/core/http/body_framer.h"
#include "proxyd/core/http/head_editor.h"
#include "proxyd/core/http/http_actions.h"
#include "proxyd/core/http/message_head.h"
#include "proxyd/core/http/transaction.h"
#include "proxyd/core/log/tcp_session_record.h"
#include "proxyd/core/stats/stats_http.h"
#include "proxyd/io/byte_buffer.h"
#include "proxyd/io/connector.h"
#include "proxyd/io/generation.h"
#include "proxyd/io/session_base.h"
#include "proxyd/io/tls/stream.h"

namespace proxyd::io {

class TlsServerContext;
class Worker;

class HttpSession final : public SessionBase {
 public:
  HttpSession(Worker& worker, GenerationPtr generation, FrontendShared& frontend, common::io::UniqueFd client,
              const common::net::Endpoint& client_address, const common::net::Endpoint& local_address,
              std::shared_ptr<const TlsServerContext> tls);
  ~HttpSession() override;
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start() override;
  void retry_from_queue() override { connector_.retry_from_queue(); }
  void kill() override;
  void shut_down_for(const ServerLive* server) override;
  void drain() override;

 private:
  using RequestPhase = http::RequestPhase;
  using ResponsePhase = http::ResponsePhase;

  // One pass over everything that can progress; then watches and timers.
  void drive();
  bool handshake();
  bool read_client();
  bool process_request();
  bool write_server();
  bool read_server();
  bool process_response();
  bool write_client();
  bool end_of_transaction();
  void update_interest();
  void arm_timer();
  void on_timeout();
  http::TransactionTimeouts timeouts() const;

  void begin_request();
  // How many bytes the client side may read now (0: not now).
  std::size_t client_read_room() const;
  // A failed exchange with the server: its error counter, and passive
  // health's judgment when it observes (error_reports.h).
  void count_server_error(std::optional<health::Observation> observed = std::nullopt);
  void observe_server(health::Observation observed);
  void head_complete();
  Connector::Target connector_target(std::optional<std::uint64_t> request_key) const;
  void on_connector(std::optional<log::TerminationState> failure);
  bool reuse_connection(ServerShared& server);
  void forward_request_head();
  sample::Context rule_context();
  bool route_request();
  void find_cookie_target(const http::MessageHead& head);
  bool run_request_actions(std::span<const http::HttpAction> rules, sample::Context& ctx);
  bool serve_stats_page(const config::ProxySettings& settings, const std::string& proxy);
  void serve_page(stats::StatsRoute route, config::Stats page, const std::string& proxy, std::string_view service);
  void start_tarpit();
  void end_tarpit();
  bool run_response_actions();
  static void capture_headers(const std::vector<config::CaptureHeader>& captures, const http::MessageHead& head,
                              std::vector<std::string>& out);
  static void store_captures(const std::vector<config::CaptureHeader>& slots,
                             std::span<const std::pair<std::size_t, std::string>> taken, std::vector<std::string>& out);
  void render_log_samples();
  bool watching_for_abort() const;
  void peek_client_close();
  bool forward_request_body();
  void response_head_complete();
  bool forward_response_body();
  void start_tunnel();
  void close_server(bool reusable);

  // Answers with a complete response of proxyd's own (error or redirect),
  // then closes the connection; logged with <termination>.
  void respond_and_close(int status, const std::string& response, log::TerminationState termination);
  void respond_error(int status, log::TerminationState termination);
  void respond_failure(http::Failure failure);
  const http::ErrorPages& error_pages() const;
  void log_transaction(log::TerminationState termination);
  // Closes the session; <log>: write the current transaction's log line.
  void finish(log::TerminationState termination, bool log = true);
  void count_response(int status);
  std::size_t counter_slot() const;
  common::Duration since(common::TimePoint t) const;

  Worker& worker_;
  // Made by the first serve_page and expiring with the session: a page
  // answered after the session ended is dropped.
  std::shared_ptr<char> alive_;
  GenerationPtr generation_;
  FrontendShared& frontend_;
  const config::ProxySettings& fe_settings_;
  BackendShared* backend_ = nullptr;  // of the current transaction
  common::io::UniqueFd client_fd_;
  std::unique_ptr<Stream> client_;
  common::net::Endpoint client_address_;
  common::net::Endpoint local_address_;
  std::shared_ptr<const TlsServerContext> tls_;

  // The server connection (kept across transactions with keep-alive).
  common::io::UniqueFd server_fd_;
  std::unique_ptr<Stream> server_;
  ServerShared* server_of_connection_ = nullptr;
  std::uint32_t server_epoch_ = 0;  // the server's address epoch when server_fd_ connected
  bool server_handshake_done_ = false;
  bool server_reused_ = false;      // taken from the pool or kept: may have been closed under us
  int client_handshake_wants_ = 0;  // EV_READ / EV_WRITE during the TLS handshakes
  int server_handshake_wants_ = 0;

  // Phases and the times the timeouts run from (the pure part, core).
  http::Transaction txn_;
  http::HeadParser request_parser_;
  http::HeadParser response_parser_;
  http::BodyFramer request_body_;
  http::BodyFramer response_body_;
  ByteBuffer client_in_;
  ByteBuffer to_server_;
  ByteBuffer server_in_;
  ByteBuffer to_client_;
  std::size_t head_length_ = 0;           // of the current request head
  std::size_t response_head_length_ = 0;  // of the current response head
  std::string scratch_;                   // serialized heads
  bool client_drained_ = false;           // the last read emptied the socket
  bool server_drained_ = false;
  bool client_eof_ = false;
  bool client_sent_more_ = false;  // abortonclose: bytes follow the routed request (not a close)
  bool server_eof_ = false;
  bool client_read_wants_write_ = false;
  bool server_read_wants_write_ = false;
  bool client_shut_ = false;
  bool server_shut_ = false;

  // The transaction.
  std::string method_;
  bool request_keep_alive_ = true;
  bool request_upgrade_ = false;
  bool request_has_body_ = false;
  bool retrying_ = false;                      // sending again after a reused connection closed
  std::string sent_head_;                      // a bodiless request's head, kept for that retry
  std::optional<std::uint64_t> request_key_;   // balance uri|hdr key, kept for that retry
  http::ActionResult request_actions_;         // http_request rules: the verdict, set-log-level
  http::EditableHead request_head_;            // the request as the rules edit it
  http::EditableHead response_head_;           // the response as the rules edit it
  sample::Variables vars_;                     // set-var/var(): sess, txn, req, res
  bool request_head_seen_ = false;             // request_head_ holds this transaction's request
  bool response_head_seen_ = false;            // response_head_ holds its response
  bool response_bytes_seen_ = false;           // the server sent something for this request
  log::TerminationState pending_termination_;  // logged once a final response is out
  bool close_client_after_ = false;            // Connection: close sent to the client
  bool close_server_after_ = false;
  std::optional<std::string> cookie_server_;  // persistence cookie value of the request
  ServerShared* cookie_target_ = nullptr;
  bool insert_cookie_ = false;

  log::TcpSessionRecord record_;
  common::TimePoint accepted_;
  common::TimePoint request_sent_;
  bool finished_ = false;
  bool counts_released_ = false;
  bool in_drive_ = false;
  bool draining_ = false;  // reload or stop: no further request on this connection

  common::io::IoWatcher client_watcher_;
  common::io::IoWatcher server_watcher_;
  common::io::TimerWatcher timer_;
  Connector connector_;
};

}  // namespace proxyd::io
