// What the access log says about one finished session (TCP, or one HTTP
// request/response exchange): filled in by the session as it goes, rendered
// once at the end by a LogFormat. The HTTP fields stay at their defaults in
// TCP mode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/address.h"
#include "common/core/time.h"
#include "proxyd/core/log/log_time.h"
#include "proxyd/core/log/termination_state.h"

namespace proxyd::log {

struct TcpSessionRecord {
  common::net::Endpoint client;  // %ci:%cp (after a PROXY header: the original client)
  WallClockTime accepted;        // %t
  std::string frontend;          // %ft
  std::string backend;           // %b: the frontend's name if no backend was reached
  std::string server;            // %s: empty prints "<NOSRV>" (no server was assigned)

  // Timers; nullopt prints -1 ("not reached"), as HAProxy does.
  std::optional<common::Duration> queue_wait;  // %Tw: time spent in queues
  std::optional<common::Duration> connect;     // %Tc: establishing the server connection
  std::optional<common::Duration> total;       // %Tt: accept to close

  std::uint64_t bytes_to_client = 0;    // %B: read from the server, sent to the client
  std::uint64_t bytes_from_client = 0;  // %U: read from the client, sent to the server
  TerminationState termination;         // %ts

  // Concurrent connections when the session ended (this one included).
  std::uint32_t process_connections = 0;   // %ac
  std::uint32_t frontend_connections = 0;  // %fc
  std::uint32_t backend_connections = 0;   // %bc
  std::uint32_t server_connections = 0;    // %sc

  std::uint32_t retries = 0;        // %rc: connection retries
  bool redispatched = false;        // %rc printed "+N": the last retry went to another server
  std::uint32_t server_queue = 0;   // %sq: sessions ahead of this one in the server queue
  std::uint32_t backend_queue = 0;  // %bq: sessions ahead of this one in the backend queue

  // HTTP mode.
  std::optional<common::Duration> request_time;   // %TR: receiving the full request head
  std::optional<common::Duration> response_time;  // %Tr: the server's response head, after connect
  std::optional<common::Duration> active_time;    // %Ta: request head to end of the response
  int status = 0;                                 // %ST: the status sent to the client; 0 prints -1
  std::string method;                             // %HM
  std::string uri;                                // %HU: the request target as received
  std::string version;                            // %HV: "HTTP/1.1"
  // The 3rd and 4th characters of %tsc (cookie persistence).
  char cookie_request = '-';                   // N none, I invalid, D server down, V valid; '-' no persistence
  char cookie_response = '-';                  // N none, I inserted, U updated, P provided by the server,
                                               // R rewritten, D deleted; '-' no persistence
  std::vector<std::string> request_captures;   // %hr: capture_request_header values, in order
  std::vector<std::string> response_captures;  // %hs
  std::vector<std::string> samples;            // %[...] of the log format, rendered at log time
};

// What %s prints when no server was assigned.
inline constexpr std::string_view kNoServer = "<NOSRV>";

// What %r prints when no request line was received (HAProxy's marker).
inline constexpr std::string_view kBadRequest = "<BADREQ>";

}  // namespace proxyd::log
