// HAProxy's two-character session termination state (the %ts log field):
// the first character says who or what ended the session, the second in
// which phase it was. "--" is a normal end; "SC" a server that refused the
// connection; "cD" a client that went silent while data flowed.
#pragma once

#include <string>

namespace proxyd::log {

// Who or what ended the session (first character).
enum class TerminationCause {
  Normal,         // '-': both sides closed normally
  ClientAbort,    // 'C': the client closed or reset
  ServerAbort,    // 'S': the server closed, reset or refused
  Proxy,          // 'P': the proxy ended it (a rule, a bad PROXY header...)
  Resource,       // 'R': a proxy resource ran out (memory, sockets, ports)
  ClientTimeout,  // 'c': timeout_client expired
  ServerTimeout,  // 's': timeout_server or timeout_connect expired
  Killed,         // 'K': killed on purpose (hard_stop_after, an operator)
  ServerDown,     // 'D': its server went DOWN with on_marked_down=shutdown_sessions
  Local,          // 'L': answered by proxyd itself (redirect, local response)
};

// How far the session had gone (second character).
enum class SessionPhase {
  None,     // '-': normal end, nothing pending
  Request,  // 'R': waiting for the client's request (or its PROXY header)
  Queue,    // 'Q': waiting in a queue for a server slot
  Connect,  // 'C': connecting to the server
  Headers,  // 'H': waiting for (or reading) the server's response headers
  Data,     // 'D': transferring data
  Last,     // 'L': sending the last bytes to the client
  Tarpit,   // 'T': held in the tarpit
};

struct TerminationState {
  TerminationCause cause = TerminationCause::Normal;
  SessionPhase phase = SessionPhase::None;

  friend bool operator==(const TerminationState&, const TerminationState&) = default;
};

// The first character of %ts for <cause>.
char cause_code(TerminationCause cause);

// The second character of %ts for <phase>.
char phase_code(SessionPhase phase);

// The two characters of %ts, e.g. "SC".
std::string to_string(TerminationState state);

}  // namespace proxyd::log
