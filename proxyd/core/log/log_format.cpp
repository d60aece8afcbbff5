#include "proxyd/core/log/log_format.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <iterator>
#include <utility>

#include "common/core/text.h"

namespace proxyd::log {
namespace {

struct NamedVariable {
  std::string_view name;
  LogField field;
};

constexpr std::array<NamedVariable, 32> kVariables{{
    {"hr", LogField::CapturedRequestHeaders},
    {"hs", LogField::CapturedResponseHeaders},
    {"ci", LogField::ClientIp},
    {"cp", LogField::ClientPort},
    {"t", LogField::AcceptDate},
    {"ft", LogField::FrontendName},
    {"b", LogField::BackendName},
    {"s", LogField::ServerName},
    {"Tw", LogField::QueueTime},
    {"Tc", LogField::ConnectTime},
    {"Tt", LogField::TotalTime},
    {"B", LogField::BytesRead},
    {"U", LogField::BytesUploaded},
    {"ts", LogField::Termination},
    {"ac", LogField::ProcessConnections},
    {"fc", LogField::FrontendConnections},
    {"bc", LogField::BackendConnections},
    {"sc", LogField::ServerConnections},
    {"rc", LogField::Retries},
    {"sq", LogField::ServerQueue},
    {"bq", LogField::BackendQueue},
    {"TR", LogField::RequestTime},
    {"Tr", LogField::ResponseTime},
    {"Ta", LogField::ActiveTime},
    {"ST", LogField::Status},
    {"r", LogField::RequestLine},
    {"HM", LogField::Method},
    {"HU", LogField::Uri},
    {"HV", LogField::Version},
    {"tsc", LogField::TerminationCookies},
    {"CC", LogField::CapturedRequestCookie},
    {"CS", LogField::CapturedResponseCookie},
}};

common::Result<LogField> lookup(std::string_view name) {
  for (const auto& v : kVariables) {
    if (v.name == name) return v.field;
  }
  std::vector<std::string_view> names;
  for (const auto& v : kVariables) names.push_back(v.name);
  if (const auto guess = common::text::closest_match(name, names)) {
    return common::fail("unknown log_format variable '%{}' (did you mean '%{}'?)", name, *guess);
  }
  return common::fail("unknown log_format variable '%{}'", name);
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

void append_text(std::string_view text, std::string& out) {
  out += text;
}

void append_number(std::uint64_t value, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void append_timer(const std::optional<common::Duration>& timer, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{}", timer ? timer->count() : -1);
}

// HAProxy prints -1 when no status was sent (the session ended before).
void append_status(int status, std::string& out) {
  fmt::format_to(std::back_inserter(out), "{}", status == 0 ? -1 : status);
}

// A text field that may be unknown: "-" when empty.
void append_or_dash(std::string_view text, std::string& out) {
  out += text.empty() ? std::string_view("-") : text;
}

void append_request_line(const TcpSessionRecord& s, std::string& out) {
  if (s.method.empty()) return append_text(kBadRequest, out);
  out += s.method;
  out += ' ';
  out += s.uri;
  if (!s.version.empty()) {
    out += ' ';
    out += s.version;
  }
}

// Appends <value> in double quotes, escaping '"' and '\\'.
void append_quoted(std::string_view value, std::string& out) {
  out += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// Parses the flags between '{' and '}' ("+Q", "-Q", comma-separated) into
// <quoted>.
common::Status parse_flags(std::string_view flags, std::size_t offset, bool& quoted) {
  while (true) {
    const auto comma = flags.find(',');
    const auto flag = flags.substr(0, comma);
    if (flag == "+Q") {
      quoted = true;
    } else if (flag == "-Q") {
      quoted = false;
    } else {
      return common::fail("log_format: unknown flag '{}' (at offset {}; only +Q and -Q are supported)", flag, offset);
    }
    if (comma == std::string_view::npos) return common::ok();
    flags.remove_prefix(comma + 1);
  }
}

// {a|b}: each captured value with '#', '{', '|', '}', '"' and the
// non-printable bytes as #XX (HAProxy's escaping of captures).
void append_captures(const std::vector<std::string>& values, std::string& out) {
  if (values.empty()) return;
  out += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += '|';
    for (const char c : values[i]) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 32 || u > 126 || c == '#' || c == '{' || c == '|' || c == '}' || c == '"') {
        out += fmt::format("#{:02X}", u);
      } else {
        out += c;
      }
    }
  }
  out += '}';
}

// Appends the value of <field> for <s> to <out>.
void append_field(LogField field, const TcpSessionRecord& s, std::string& out) {
  switch (field) {
    case LogField::ClientIp:
      // IPv6 without brackets; "unix" on a Unix socket (%cp: the bind's number), as HAProxy
      return append_text(s.client.is_unix() ? std::string("unix") : s.client.address.to_string(), out);
    case LogField::ClientPort:
      return append_number(s.client.port, out);
    case LogField::AcceptDate:
      return append_accept_date(s.accepted, out);
    case LogField::FrontendName:
      return append_text(s.frontend, out);
    case LogField::BackendName:
      return append_text(s.backend, out);
    case LogField::ServerName:
      return append_text(s.server.empty() ? kNoServer : std::string_view(s.server), out);
    case LogField::QueueTime:
      return append_timer(s.queue_wait, out);
    case LogField::ConnectTime:
      return append_timer(s.connect, out);
    case LogField::TotalTime:
      return append_timer(s.total, out);
    case LogField::BytesRead:
      return append_number(s.bytes_to_client, out);
    case LogField::BytesUploaded:
      return append_number(s.bytes_from_client, out);
    case LogField::Termination:
      return append_text(to_string(s.termination), out);
    case LogField::ProcessConnections:
      return append_number(s.process_connections, out);
    case LogField::FrontendConnections:
      return append_number(s.frontend_connections, out);
    case LogField::BackendConnections:
      return append_number(s.backend_connections, out);
    case LogField::ServerConnections:
      return append_number(s.server_connections, out);
    case LogField::Retries:
      if (s.redispatched) out += '+';  // the last retry went to another server
      return append_number(s.retries, out);
    case LogField::ServerQueue:
      return append_number(s.server_queue, out);
    case LogField::BackendQueue:
      return append_number(s.backend_queue, out);
    case LogField::RequestTime:
      return append_timer(s.request_time, out);
    case LogField::ResponseTime:
      return append_timer(s.response_time, out);
    case LogField::ActiveTime:
      return append_timer(s.active_time, out);
    case LogField::Status:
      return append_status(s.status, out);
    case LogField::RequestLine:
      return append_request_line(s, out);
    case LogField::Method:
      return append_or_dash(s.method, out);
    case LogField::Uri:
      return append_or_dash(s.uri, out);
    case LogField::Version:
      return append_or_dash(s.version, out);
    case LogField::TerminationCookies:
      append_text(to_string(s.termination), out);
      out += s.cookie_request;
      out += s.cookie_response;
      return;
    case LogField::CapturedRequestCookie:
    case LogField::CapturedResponseCookie:
      return append_text("-", out);  // cookie captures are not supported
    case LogField::CapturedRequestHeaders:
      return append_captures(s.request_captures, out);
    case LogField::CapturedResponseHeaders:
      return append_captures(s.response_captures, out);
    case LogField::Sample:
      return;  // rendered by render_to
  }
}

}  // namespace

std::string httplog_with_captures(bool request, bool response) {
  std::string format(kHttpLogFormat);
  const auto at = format.rfind(" %{+Q}r");
  std::string captures = std::string(request ? " %hr" : "") + (response ? " %hs" : "");
  format.insert(at, captures);
  return format;
}

common::Result<LogFormat> LogFormat::compile(std::string_view format) {
  if (format == "tcplog") format = kTcpLogFormat;
  if (format == "httplog") format = kHttpLogFormat;
  if (format == "httplog clf") format = kClfLogFormat;
  LogFormat compiled;
  std::string literal;
  for (std::size_t i = 0; i < format.size();) {
    if (format[i] != '%') {
      literal += format[i++];
      continue;
    }
    ++i;
    if (i < format.size() && format[i] == '%') {
      literal += format[i++];
      continue;
    }
    const std::size_t percent = i - 1;
    if (i < format.size() && format[i] == '[') {
      const auto close = format.find(']', i);
      if (close == std::string_view::npos) return common::fail("log_format: '%[' without ']' at offset {}", percent);
      auto expr = sample::parse_expression(format.substr(i + 1, close - i - 1));
      if (!expr) return common::fail("log_format: offset {}: {}", percent, expr.error().describe());
      if (!literal.empty()) compiled.pieces_.emplace_back(std::exchange(literal, {}));
      compiled.pieces_.emplace_back(Variable{LogField::Sample, false, compiled.expressions_.size()});
      compiled.expressions_.push_back(std::move(*expr));
      i = close + 1;
      continue;
    }
    bool quoted = false;
    if (i < format.size() && format[i] == '{') {
      const auto close = format.find('}', i);
      if (close == std::string_view::npos) return common::fail("log_format: unterminated '%{{' at offset {}", percent);
      if (auto parsed = parse_flags(format.substr(i + 1, close - i - 1), percent, quoted); !parsed) {
        return tl::unexpected(parsed.error());
      }
      i = close + 1;
    }
    std::size_t end = i;
    while (end < format.size() && is_name_char(format[end])) ++end;
    if (end == i) {
      return common::fail("log_format: '%' without a variable name at offset {} (use %% for '%')", percent);
    }
    const auto field = lookup(format.substr(i, end - i));
    if (!field) return tl::unexpected(field.error());
    if (!literal.empty()) compiled.pieces_.emplace_back(std::exchange(literal, {}));
    compiled.pieces_.emplace_back(Variable{*field, quoted, 0});
    i = end;
  }
  if (!literal.empty()) compiled.pieces_.emplace_back(std::move(literal));
  return compiled;
}

LogFormat LogFormat::tcplog() {
  // The constant format always compiles.
  return *compile(kTcpLogFormat);
}

LogFormat LogFormat::httplog() {
  return *compile(kHttpLogFormat);
}

void LogFormat::render_to(const TcpSessionRecord& session, std::string& out) const {
  for (const auto& piece : pieces_) {
    if (const auto* text = std::get_if<std::string>(&piece)) {
      out += *text;
    } else if (const auto& variable = std::get<Variable>(piece); variable.field == LogField::Sample) {
      if (variable.index < session.samples.size()) append_text(session.samples[variable.index], out);
    } else if (!variable.quoted) {
      append_field(variable.field, session, out);
    } else {
      std::string value;
      append_field(variable.field, session, value);
      append_quoted(value, out);
    }
  }
}

std::string LogFormat::render(const TcpSessionRecord& session) const {
  std::string out;
  out.reserve(128);
  render_to(session, out);
  return out;
}

}  // namespace proxyd::log
