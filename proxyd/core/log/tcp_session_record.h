// What the access log says about one finished TCP session: filled in by the
// session as it goes, rendered once at the end by a LogFormat.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
};

// What %s prints when no server was assigned.
inline constexpr std::string_view kNoServer = "<NOSRV>";

}  // namespace proxyd::log
