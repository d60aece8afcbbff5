// Access-log formats: HAProxy's `log-format` language reduced to the TCP
// session fields. A format is compiled once when the configuration loads
// (an unknown variable is a configuration error naming it), then rendered
// for every session without parsing again.
//
// Variables: %ci %cp %t %ft %b %s %Tw %Tc %Tt %B %U %ts %ac %fc %bc %sc %rc
// %sq %bq (see tcp_session_record.h), and %% for a literal '%'. A name is the
// longest run of letters and digits after '%', as in HAProxy, so "%Tw/%Tc"
// is two variables and "%Bx" is an unknown one. Everything else is literal.
//
// The value "tcplog" names HAProxy's TCP format, kTcpLogFormat:
//   10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/web1 0/1/5012 1530 -- 1/1/0/0/0 0/0
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/log/tcp_session_record.h"

namespace proxyd::log {

inline constexpr std::string_view kTcpLogFormat =
    "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

enum class LogField {
  ClientIp,             // %ci
  ClientPort,           // %cp
  AcceptDate,           // %t
  FrontendName,         // %ft
  BackendName,          // %b
  ServerName,           // %s
  QueueTime,            // %Tw
  ConnectTime,          // %Tc
  TotalTime,            // %Tt
  BytesRead,            // %B
  BytesUploaded,        // %U
  Termination,          // %ts
  ProcessConnections,   // %ac
  FrontendConnections,  // %fc
  BackendConnections,   // %bc
  ServerConnections,    // %sc
  Retries,              // %rc
  ServerQueue,          // %sq
  BackendQueue,         // %bq
};

class LogFormat {
 public:
  // Compiles <format> ("tcplog" or a custom string); the error names the
  // offending variable.
  static common::Result<LogFormat> compile(std::string_view format);

  // The compiled kTcpLogFormat.
  static LogFormat tcplog();

  // One log line (no newline, no syslog prefix) for <session>.
  std::string render(const TcpSessionRecord& session) const;

  // Appends the line to <out>, for callers that reuse a buffer.
  void render_to(const TcpSessionRecord& session, std::string& out) const;

 private:
  using Piece = std::variant<std::string, LogField>;  // literal text or a variable
  std::vector<Piece> pieces_;
};

}  // namespace proxyd::log
