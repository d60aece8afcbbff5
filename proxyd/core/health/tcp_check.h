// Scripted TCP checks (`check = tcp-check` with `tcp_check = …` lines,
// HAProxy's `option tcp-check` and `tcp-check connect|send|expect`), and
// the ready-made scripts HAProxy names (check_presets.h). Pure: parsing the steps, and the run of a script as a
// state machine the adapter feeds with what it read (io/health_checker).
//
//   tcp_check = connect [port N] [ssl]                (a new connection; ssl: over TLS)
//   tcp_check = send TEXT                             (\r \n \t \\ and \xHH escapes)
//   tcp_check = send_binary HEX
//   tcp_check = expect [!] string|rstring|binary|rbinary PATTERN
//
// Without a leading connect, the check connects to the server (or its
// check_port) first, as HAProxy. A connect later in the script closes the
// connection and opens a new one (to port N, or the server's): one check
// can look at a service and its admin port in turn. Each expect reads until its pattern is
// found (or, negated, until the server closes or the check times out); the
// bytes read so far are dropped before the next send. Results use
// HAProxy's words: "TCPCHK did not match content 'X' at step N".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/health/health_check.h"
#include "proxyd/core/sample/regex.h"

namespace proxyd::health {

struct TcpCheckStep {
  enum class Kind { Connect, Send, Expect };
  enum class Match { String, Rstring, Binary, Rbinary };
  Kind kind = Kind::Send;
  std::string data;  // send: the bytes; expect string/binary: the bytes looked for
  std::string text;  // as written (for the log)
  Match match = Match::String;
  bool negate = false;
  std::optional<sample::Regex> regex;  // rstring, rbinary (matched on the hex text)
  std::uint16_t port = 0;              // connect port N; 0: the server's
  bool ssl = false;                    // connect ... ssl: TLS over that connection
  int line = 0;
};

common::Result<TcpCheckStep> parse_tcp_check_step(std::string_view value);

// \r \n \t \\ \xHH (and escaped blanks, quotes, '#'), as HAProxy's
// configuration reads them: tcp_check = send, agent_send.
common::Result<std::string> unescape_check_text(std::string_view text);

// One run of a script over one connection.
class TcpCheckRun {
 public:
  struct Action {
    enum class Kind { Send, Receive, Connect, Done };
    Kind kind = Kind::Done;
    std::string bytes;       // Send
    std::uint16_t port = 0;  // Connect: 0 = the server's (or check_port)
    bool ssl = false;        // Connect: over TLS
    CheckResult result;      // Done
  };

  explicit TcpCheckRun(std::span<const TcpCheckStep> steps);

  // The port the first step connects to (0: the server's / check_port).
  std::uint16_t connect_port() const;
  // Whether the first connection is over TLS (a first `connect ... ssl`).
  bool connect_ssl() const;
  // After the connection: what to do first.
  Action start();
  // A Connect action's connection is up.
  Action connected();
  // Whether start() was called (a later connection is a Connect action's).
  bool started() const { return started_; }
  // The bytes asked for were sent.
  Action sent();
  // While receiving: <bytes> arrived (<closed>: the server closed, or the
  // check timed out when <timed_out>).
  Action received(std::string_view bytes, bool closed, bool timed_out = false);

 private:
  Action advance();
  Action fail(CheckStatus status, std::string info) const;
  int step_number() const;  // 1-based, the implicit connect counting as step 1

  std::span<const TcpCheckStep> steps_;
  std::size_t next_ = 0;
  bool implicit_connect_ = true;
  bool started_ = false;
  std::string buffer_;
};

}  // namespace proxyd::health
