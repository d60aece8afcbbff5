#include "proxyd/core/http/message_head.h"

#include <algorithm>

#include "common/core/text.h"

namespace proxyd::http {
namespace {

using common::text::iequals;
using Status = HeadResult::Status;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A request-target byte: visible ASCII, no whitespace (RFC 9112 3.2).
bool is_target_char(unsigned char c) {
  return c > 0x20 && c < 0x7f;
}

// field-vchar, SP or HTAB (RFC 9110 5.5); obs-text (0x80-0xff) is kept.
bool is_value_char(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

bool is_token(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_token_char(static_cast<unsigned char>(c)); });
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// 1*DIGIT without overflow; nullopt otherwise (no sign, no blanks, no list).
std::optional<std::uint64_t> parse_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// "HTTP/" DIGIT "." DIGIT: the minor version of HTTP/1.0 or 1.1, 0 when the
// shape is right but the version is another one, -1 when malformed.
int parse_version(std::string_view v, int& minor) {
  if (v.size() != 8 || !v.starts_with("HTTP/") || v[6] != '.' || !is_digit(v[5]) || !is_digit(v[7])) return -1;
  if (v[5] != '1' || (v[7] != '0' && v[7] != '1')) return 0;
  minor = v[7] - '0';
  return 1;
}

// Calls <each> with every non-empty, blank-trimmed element of the
// comma-separated values of all the <name> fields.
template <class Fn>
void for_each_element(const std::vector<HeaderField>& headers, std::string_view name, Fn each) {
  for (const auto& h : headers) {
    if (!iequals(h.name, name)) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto element = trim_blanks(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (!element.empty()) each(element);
    }
  }
}

}  // namespace

bool is_token_char(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

std::optional<std::string_view> MessageHead::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

bool MessageHead::header_has_token(std::string_view name, std::string_view token) const {
  bool found = false;
  for_each_element(headers, name, [&](std::string_view element) { found = found || iequals(element, token); });
  return found;
}

std::string_view MessageHead::path() const {
  return target.substr(0, target.find('?'));
}

std::string_view MessageHead::query() const {
  const auto q = target.find('?');
  return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

void HeadParser::set_request_method(std::string_view method) {
  head_request_ = method == "HEAD";
}

void HeadParser::reset() {
  // The field vector keeps its capacity: no allocation per request on a
  // keep-alive connection.
  auto headers = std::move(head_.headers);
  headers.clear();
  *this = HeadParser(kind_, limits_);
  head_.headers = std::move(headers);
}

HeadResult& HeadParser::fail(int http_status, std::string_view why) {
  result_ = {Status::Error, 0, why, http_status};
  return result_;
}

HeadResult HeadParser::parse(std::string_view buffer) {
  if (result_.status != Status::NeedMore) return result_;
  // Bytes past the limit are never examined: a head must end within it.
  const std::size_t window = std::min(buffer.size(), limits_.max_head_bytes);
  while (scanned_ < window) {
    const char c = buffer[scanned_];
    if (c == '\n') return fail(400, "bare LF in message head (lines end with CRLF)");
    if (c != '\r') {
      ++scanned_;
      continue;
    }
    if (scanned_ + 1 == window) break;  // the LF has not arrived (or is past the limit)
    if (buffer[scanned_ + 1] != '\n') return fail(400, "bare CR in message head");
    const auto line = buffer.substr(line_start_, scanned_ - line_start_);
    scanned_ += 2;
    line_start_ = scanned_;
    on_line(line);
    if (result_.status != Status::NeedMore) return result_;
  }
  if (buffer.size() > limits_.max_head_bytes) return fail(431, "message head too large");
  return result_;
}

void HeadParser::on_line(std::string_view line) {
  if (!start_line_done_) {
    // Empty lines before a request line are skipped (RFC 9112 2.2).
    if (line.empty() && kind_ == MessageKind::Request) return;
    start_line_done_ = true;
    if (kind_ == MessageKind::Request) return parse_request_line(line);
    return parse_status_line(line);
  }
  if (line.empty()) return finish();
  parse_field(line);
}

void HeadParser::parse_request_line(std::string_view line) {
  const auto first = line.find(' ');
  const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    fail(400, "malformed request line (expected METHOD SP TARGET SP VERSION)");
    return;
  }
  head_.method = line.substr(0, first);
  head_.target = line.substr(first + 1, second - first - 1);
  if (!is_token(head_.method)) {
    fail(400, "invalid method");
    return;
  }
  if (head_.target.empty()) {
    fail(400, "empty request target");
    return;
  }
  for (const char c : head_.target) {
    if (!is_target_char(static_cast<unsigned char>(c))) {
      fail(400, "invalid character in request target");
      return;
    }
  }
  const int version = parse_version(line.substr(second + 1), head_.version_minor);
  if (version < 0) fail(400, "malformed HTTP version");
  if (version == 0) fail(505, "HTTP version not supported");
}

// HTTP-version SP 3DIGIT SP reason (RFC 9112 4); a missing SP before an
// empty reason is tolerated.
void HeadParser::parse_status_line(std::string_view line) {
  const int version = parse_version(line.substr(0, std::min<std::size_t>(line.size(), 8)), head_.version_minor);
  if (version < 0) {
    fail(400, "malformed HTTP version in status line");
    return;
  }
  if (version == 0) {
    fail(505, "HTTP version not supported");
    return;
  }
  const auto rest = line.substr(8);
  if (rest.size() < 4 || rest[0] != ' ' || !is_digit(rest[1]) || !is_digit(rest[2]) || !is_digit(rest[3]) ||
      (rest.size() > 4 && rest[4] != ' ')) {
    fail(400, "malformed status line (expected VERSION SP STATUS SP REASON)");
    return;
  }
  head_.status = (rest[1] - '0') * 100 + (rest[2] - '0') * 10 + (rest[3] - '0');
  if (head_.status < 100 || head_.status > 599) {
    fail(400, "status code out of range");
    return;
  }
  head_.reason = rest.size() > 4 ? rest.substr(5) : std::string_view{};
  for (const char c : head_.reason) {
    if (!is_value_char(static_cast<unsigned char>(c))) {
      fail(400, "invalid character in reason phrase");
      return;
    }
  }
}

void HeadParser::parse_field(std::string_view line) {
  if (is_blank(line.front())) {
    fail(400, "obsolete line folding in header");
    return;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail(400, "header line without a colon");
    return;
  }
  const auto name = line.substr(0, colon);
  if (!is_token(name)) {
    fail(400, "invalid header name");
    return;
  }
  const auto value = trim_blanks(line.substr(colon + 1));
  for (const char c : value) {
    if (!is_value_char(static_cast<unsigned char>(c))) {
      fail(400, "invalid character in header value");
      return;
    }
  }
  if (head_.headers.size() == limits_.max_headers) {
    fail(431, "too many headers");
    return;
  }
  head_.headers.push_back({name, value});
  if (iequals(name, "host")) {
    ++hosts_;
  } else if (iequals(name, "transfer-encoding")) {
    has_transfer_encoding_ = true;
  } else if (iequals(name, "content-length")) {
    const auto length = parse_digits(value);
    if (!length) {
      fail(400, "invalid Content-Length");
    } else if (has_content_length_ && *length != head_.content_length) {
      fail(400, "conflicting Content-Length");
    }
    has_content_length_ = true;
    head_.content_length = length.value_or(0);
  }
}

// The empty line ended the head: check what needs every field, then decide
// framing and connection semantics.
void HeadParser::finish() {
  const bool request = kind_ == MessageKind::Request;
  if (request && head_.version_minor == 1 && hosts_ == 0) {
    fail(400, "missing Host header");
    return;
  }
  if (request && hosts_ > 1) {
    fail(400, "more than one Host header");
    return;
  }
  bool chunked = false;
  if (has_transfer_encoding_) {
    if (head_.version_minor == 0) {
      fail(400, "Transfer-Encoding in an HTTP/1.0 message");
      return;
    }
    if (has_content_length_) {
      fail(400, "both Transfer-Encoding and Content-Length");
      return;
    }
    std::size_t codings = 0;
    bool after_chunked = false;
    bool invalid = false;
    for_each_element(head_.headers, "transfer-encoding", [&](std::string_view coding) {
      ++codings;
      after_chunked = after_chunked || chunked;
      chunked = iequals(coding, "chunked");
      invalid = invalid || !is_token(trim_blanks(coding.substr(0, coding.find(';'))));
    });
    // chunked must be the final coding, applied once (RFC 9112 6.1, 6.3).
    if (codings == 0 || invalid) {
      fail(400, "invalid Transfer-Encoding");
      return;
    }
    if (after_chunked) {
      fail(400, "transfer coding after chunked");
      return;
    }
    // Without a final chunked the request's length is unknowable: 400, a
    // MUST of RFC 9112 6.3 (a smuggling vector, never a 501).
    if (!chunked && request) {
      fail(400, "Transfer-Encoding not ending with chunked");
      return;
    }
  }
  decide_framing(chunked);
  result_ = {Status::Done, scanned_, {}, 0};
}

void HeadParser::decide_framing(bool chunked) {
  auto& h = head_;
  const bool request = kind_ == MessageKind::Request;
  if (!request && (head_request_ || h.status < 200 || h.status == 204 || h.status == 304)) {
    h.framing = BodyFraming::None;
  } else if (has_transfer_encoding_) {
    // A response whose codings do not end in chunked is read until close.
    h.framing = chunked ? BodyFraming::Chunked : BodyFraming::UntilClose;
  } else if (has_content_length_) {
    h.framing = BodyFraming::ContentLength;
  } else {
    h.framing = request ? BodyFraming::None : BodyFraming::UntilClose;
  }
  if (h.framing != BodyFraming::ContentLength) h.content_length = 0;
  h.keep_alive = h.version_minor == 1 ? !h.header_has_token("connection", "close")
                                      : h.header_has_token("connection", "keep-alive");
  if (h.framing == BodyFraming::UntilClose) h.keep_alive = false;
  h.upgrade = h.header_has_token("connection", "upgrade") && h.header("upgrade").has_value();
  const auto expect = h.header("expect");
  h.expect_continue = request && expect && iequals(*expect, "100-continue");
}

}  // namespace proxyd::http
