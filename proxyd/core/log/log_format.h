// Access-log formats: HAProxy's `log-format` language reduced to the
// session fields proxyd records. A format is compiled once when the
// configuration loads (an unknown variable is a configuration error naming
// it), then rendered for every session without parsing again.
//
// Variables: %ci %cp %t %ft %b %s %Tw %Tc %Tt %B %U %ts %ac %fc %bc %sc %rc
// %sq %bq, and for HTTP %TR %Tr %Ta %ST %r %HM %HU %HV %tsc %CC %CS (see
// tcp_session_record.h; %CC and %CS, the captured cookies, print "-"), and
// %% for a literal '%'. A name is the longest run of letters and digits
// after '%', as in HAProxy, so "%Tw/%Tc" is two variables and "%Bx" is an
// unknown one. Everything else is literal.
//
// Flags: "%{+Q}r" quotes the value (with '"' and '\' escaped); "-Q" turns
// it off again. Flags are comma-separated; other flags are errors.
//
// The value "tcplog" names HAProxy's TCP format, kTcpLogFormat:
//   10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/web1 0/1/5012 1530 -- 1/1/0/0/0 0/0
// and "httplog" HAProxy's HTTP format without header captures, kHttpLogFormat:
//   10.0.0.5:51234 [21/Nov/2026:07:59:01.629] www app_pool/web1 0/0/1/3/4 200 1530 - - --NI 1/1/0/0/0 0/0
//   "GET /index.html HTTP/1.1"   (on the same line)
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/log/tcp_session_record.h"
#include "proxyd/core/sample/expression.h"

namespace proxyd::log {

inline constexpr std::string_view kTcpLogFormat =
    "%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq";

inline constexpr std::string_view kHttpLogFormat =
    "%ci:%cp [%t] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %{+Q}r";

enum class LogField {
  ClientIp,                 // %ci
  ClientPort,               // %cp
  AcceptDate,               // %t
  FrontendName,             // %ft
  BackendName,              // %b
  ServerName,               // %s
  QueueTime,                // %Tw
  ConnectTime,              // %Tc
  TotalTime,                // %Tt
  BytesRead,                // %B
  BytesUploaded,            // %U
  Termination,              // %ts
  ProcessConnections,       // %ac
  FrontendConnections,      // %fc
  BackendConnections,       // %bc
  ServerConnections,        // %sc
  Retries,                  // %rc
  ServerQueue,              // %sq
  BackendQueue,             // %bq
  RequestTime,              // %TR
  ResponseTime,             // %Tr
  ActiveTime,               // %Ta
  Status,                   // %ST
  RequestLine,              // %r
  Method,                   // %HM
  Uri,                      // %HU
  Version,                  // %HV
  TerminationCookies,       // %tsc
  CapturedRequestCookie,    // %CC
  CapturedResponseCookie,   // %CS
  CapturedRequestHeaders,   // %hr: {value|value} of capture_request_header
  CapturedResponseHeaders,  // %hs
  Sample,                   // %[EXPRESSION]: TcpSessionRecord::samples
};

// HAProxy's `option httplog clf`: the Common Log Format, then HAProxy's fields.
inline constexpr std::string_view kClfLogFormat =
    "%ci - - [%t] %{+Q}r %ST %B \"\" \"\" %cp %ft %b %s %TR %Tw %Tc %Tr %Ta %tsc %ac %fc %bc %sc %rc %sq %bq";

// httplog with the header captures (%hr %hs) a frontend declares.
std::string httplog_with_captures(bool request, bool response);

class LogFormat {
 public:
  // Compiles <format> ("tcplog", "httplog", "httplog clf" or a custom
  // string, where %[EXPRESSION] is a sample); the error names the offending
  // variable.
  static common::Result<LogFormat> compile(std::string_view format);

  // The compiled kTcpLogFormat.
  static LogFormat tcplog();

  // The compiled kHttpLogFormat.
  static LogFormat httplog();

  // One log line (no newline, no syslog prefix) for <session>.
  std::string render(const TcpSessionRecord& session) const;

  // Appends the line to <out>, for callers that reuse a buffer.
  void render_to(const TcpSessionRecord& session, std::string& out) const;

  // The %[...] expressions, whose values the session puts in its record's
  // samples (in this order) before rendering.
  const std::vector<sample::Expression>& expressions() const { return expressions_; }

 private:
  struct Variable {
    LogField field;
    bool quoted = false;    // %{+Q}
    std::size_t index = 0;  // Sample: into samples
  };
  std::vector<sample::Expression> expressions_;
  using Piece = std::variant<std::string, Variable>;  // literal text or a variable
  std::vector<Piece> pieces_;
};

}  // namespace proxyd::log
