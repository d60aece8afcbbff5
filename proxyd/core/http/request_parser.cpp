#include "proxyd/core/http/request_parser.h"

#include "common/core/text.h"

namespace proxyd::http {
namespace {

using Status = ParseResult::Status;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
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
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_token_char(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// 1*DIGIT without overflow; nullopt otherwise.
std::optional<std::uint64_t> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;  // 19 digits always fit
  std::uint64_t value = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (common::text::iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::string_view Request::path() const {
  const std::string_view t(target);
  return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
  const std::string_view t(target);
  const auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

void RequestParser::reset() {
  *this = RequestParser(limits_);
}

ParseResult RequestParser::result(std::size_t consumed) const {
  switch (stage_) {
    case Stage::Done:
      return {Status::Done, consumed, {}, 0};
    case Stage::Failed:
      return {Status::Error, consumed, error_, error_status_};
    case Stage::RequestLine:
    case Stage::Headers:
      break;
  }
  return {Status::NeedMore, consumed, {}, 0};
}

ParseResult RequestParser::feed(std::span<const std::uint8_t> bytes) {
  if (stage_ == Stage::Done || stage_ == Stage::Failed) return result(0);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (total_ == limits_.max_head_bytes) {
      // Still in the request line: the target is what is too long.
      if (stage_ == Stage::RequestLine && !line_.empty()) {
        fail(414, "request line too long");
      } else {
        fail(431, "request head too large");
      }
      return result(i);
    }
    ++total_;
    const auto c = static_cast<char>(bytes[i]);
    if (saw_cr_) {
      saw_cr_ = false;
      if (c != '\n') {
        fail(400, "bare CR in request head");
        return result(i + 1);
      }
      end_line();
      if (stage_ == Stage::Done || stage_ == Stage::Failed) return result(i + 1);
    } else if (c == '\r') {
      saw_cr_ = true;
    } else if (c == '\n') {
      fail(400, "bare LF in request head (lines end with CRLF)");
      return result(i + 1);
    } else {
      line_.push_back(c);
    }
  }
  return result(bytes.size());
}

void RequestParser::end_line() {
  const std::string line = std::move(line_);
  line_.clear();
  if (stage_ == Stage::RequestLine) {
    if (!line.empty()) parse_request_line(line);  // empty lines first are skipped
  } else if (line.empty()) {
    finish_head();
  } else {
    parse_header(line);
  }
}

void RequestParser::parse_request_line(std::string_view line) {
  const auto first = line.find(' ');
  const auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos) {
    return fail(400, "malformed request line (expected METHOD SP TARGET SP VERSION)");
  }
  const auto method = line.substr(0, first);
  const auto target = line.substr(first + 1, second - first - 1);
  const auto version = line.substr(second + 1);
  if (!is_token(method)) return fail(400, "invalid method");
  if (target.empty()) return fail(400, "empty request target");
  for (const char c : target) {
    if (!is_target_char(static_cast<unsigned char>(c))) return fail(400, "invalid character in request target");
  }
  const bool shaped = version.size() == 8 && version.starts_with("HTTP/") && version[6] == '.' && version[5] >= '0' &&
                      version[5] <= '9' && version[7] >= '0' && version[7] <= '9';
  if (!shaped) return fail(400, "malformed HTTP version");
  if (version[5] != '1') return fail(505, "HTTP version not supported");
  request_.method = std::string(method);
  request_.target = std::string(target);
  // A later 1.x minor is answered as 1.1 (RFC 9110 6.2).
  request_.version_minor = version[7] == '0' ? 0 : 1;
  stage_ = Stage::Headers;
}

void RequestParser::parse_header(std::string_view line) {
  if (is_blank(line.front())) return fail(400, "obsolete line folding in header");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return fail(400, "header line without a colon");
  const auto name = line.substr(0, colon);
  if (!is_token(name)) return fail(400, "invalid header name");
  const auto value = trim_blanks(line.substr(colon + 1));
  for (const char c : value) {
    if (!is_value_char(static_cast<unsigned char>(c))) return fail(400, "invalid character in header value");
  }
  if (request_.headers.size() == limits_.max_headers) return fail(431, "too many headers");
  request_.headers.push_back({std::string(name), std::string(value)});
  apply_framing(request_.headers.back());
}

// Host, Content-Length and Transfer-Encoding decide how the message is read.
void RequestParser::apply_framing(const Header& header) {
  using common::text::iequals;
  if (iequals(header.name, "host")) {
    ++hosts_;
    return;
  }
  if (iequals(header.name, "content-length")) {
    const auto length = parse_digits(header.value);
    if (!length) return fail(400, "invalid Content-Length");
    if (has_content_length_ && *length != request_.content_length) return fail(400, "conflicting Content-Length");
    has_content_length_ = true;
    request_.content_length = *length;
    return;
  }
  if (!iequals(header.name, "transfer-encoding")) return;
  has_transfer_encoding_ = true;
  std::string_view rest = header.value;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto coding = trim_blanks(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (coding.empty()) continue;
    // chunked must be the last coding, applied once (RFC 9112 6.1).
    if (request_.chunked) return fail(400, "transfer coding after chunked");
    if (iequals(coding, "chunked")) request_.chunked = true;
  }
}

void RequestParser::finish_head() {
  if (request_.version_minor == 1 && hosts_ == 0) return fail(400, "missing Host header");
  if (hosts_ > 1) return fail(400, "more than one Host header");
  if (has_transfer_encoding_) {
    if (request_.version_minor == 0) return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (has_content_length_) return fail(400, "both Transfer-Encoding and Content-Length");
    if (!request_.chunked) return fail(400, "Transfer-Encoding does not end with chunked");
  }
  if (request_.content_length > limits_.max_body_bytes) return fail(413, "request body too large");
  stage_ = Stage::Done;
}

void RequestParser::fail(int http_status, std::string_view reason) {
  stage_ = Stage::Failed;
  error_ = reason;
  error_status_ = http_status;
}

}  // namespace proxyd::http
