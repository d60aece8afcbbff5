#include "proxyd/core/http/error_pages.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <iterator>
#include <vector>

#include "common/core/text.h"

namespace proxyd::http {
namespace {

using common::text::iequals;

// The sentence under the title of each built-in page.
std::string_view explanation(int status) {
  switch (status) {
    case 400:
      return "Your browser sent a request this server could not understand.";
    case 403:
      return "You are not allowed to access this resource.";
    case 404:
      return "The requested resource was not found.";
    case 405:
      return "This method is not allowed for the requested resource.";
    case 408:
      return "The request was not received in time.";
    case 413:
      return "The request body is larger than this server accepts.";
    case 421:
      return "This request was sent to a server that cannot answer it.";
    case 429:
      return "Too many requests; please try again later.";
    case 431:
      return "The request header fields are too large.";
    case 500:
      return "The server met an internal error.";
    case 501:
      return "This server does not support the requested feature.";
    case 502:
      return "The server returned an invalid or incomplete response.";
    case 503:
      return "No server is available to handle this request.";
    case 504:
      return "The server did not answer in time.";
    case 505:
      return "This server only speaks HTTP/1.0 and HTTP/1.1.";
    default:
      return "The request could not be completed.";
  }
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The head lines of <contents> without their line ends, and where the body
// starts; lines may end in CRLF or LF. Fails without an empty line.
struct SplitHead {
  std::vector<std::string_view> lines;
  std::size_t body_start = 0;
};

common::Result<SplitHead> split_head(std::string_view contents) {
  SplitHead head;
  std::size_t pos = 0;
  while (pos < contents.size()) {
    const auto lf = contents.find('\n', pos);
    if (lf == std::string_view::npos) break;
    auto line = contents.substr(pos, lf - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    pos = lf + 1;
    if (line.empty()) {
      head.body_start = pos;
      return head;
    }
    if (line.find('\r') != std::string_view::npos) return common::fail("a bare CR in the head");
    head.lines.push_back(line);
  }
  return common::fail("the head does not end with an empty line");
}

// "HTTP/1.x DDD[ reason]" with DDD == <status>.
common::Status check_status_line(int status, std::string_view line) {
  const bool shaped = line.size() >= 12 && line.starts_with("HTTP/1.") && is_digit(line[7]) && line[8] == ' ' &&
                      is_digit(line[9]) && is_digit(line[10]) && is_digit(line[11]) &&
                      (line.size() == 12 || line[12] == ' ');
  if (!shaped) return common::fail("does not start with an HTTP/1.x status line");
  const int found = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (found != status) return common::fail("has status {}, expected {}", found, status);
  return common::ok();
}

bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// Checks one header line; <content_length> is set when it is one.
common::Status check_field(std::string_view line, std::optional<std::string_view>& content_length) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
    return common::fail("has a malformed header line '{}'", line);
  }
  const auto name = line.substr(0, colon);
  const auto value = common::text::trim(line.substr(colon + 1));
  if (iequals(name, "Transfer-Encoding")) return common::fail("must not use Transfer-Encoding");
  if (iequals(name, "Content-Length")) {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string_view::npos) {
      return common::fail("has an invalid Content-Length '{}'", value);
    }
    content_length = value;
  }
  return common::ok();
}

// True when the digits <text> are the decimal number <value>.
bool equals_number(std::string_view text, std::size_t value) {
  std::uint64_t parsed = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  return error == std::errc{} && end == text.data() + text.size() && parsed == value;
}

}  // namespace

std::string default_error_response(int status) {
  const auto reason = reason_phrase(status);
  const auto body =
      fmt::format("<html><body><h1>{} {}</h1>\n{}\n</body></html>\n", status, reason, explanation(status));
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nCache-Control: no-cache\r\n"
      "Connection: close\r\n\r\n{}",
      status, reason, body.size(), body);
}

common::Result<std::string> prepare_errorfile(int status, std::string_view contents) {
  const auto head = split_head(contents);
  if (!head) return common::fail("errorfile for {}: {}", status, head.error().message);
  if (head->lines.empty()) return common::fail("errorfile for {}: empty head", status);
  if (const auto checked = check_status_line(status, head->lines.front()); !checked) {
    return common::fail("errorfile for {}: {}", status, checked.error().message);
  }
  const auto body = contents.substr(head->body_start);
  std::optional<std::string_view> content_length;
  std::string out;
  out.reserve(contents.size() + 64);
  out += head->lines.front();
  out += "\r\n";
  for (std::size_t i = 1; i < head->lines.size(); ++i) {
    const auto line = head->lines[i];
    if (const auto checked = check_field(line, content_length); !checked) {
      return common::fail("errorfile for {}: {}", status, checked.error().message);
    }
    const auto name = line.substr(0, line.find(':'));
    if (iequals(name, "Connection")) continue;  // replaced below
    out += line;
    out += "\r\n";
  }
  if (content_length && !equals_number(*content_length, body.size())) {
    return common::fail("errorfile for {}: Content-Length {} but the body has {} bytes", status, *content_length,
                        body.size());
  }
  auto it = std::back_inserter(out);
  if (!content_length) fmt::format_to(it, "Content-Length: {}\r\n", body.size());
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

const std::string& ErrorPages::response(int status) const {
  if (const auto custom = custom_.find(status); custom != custom_.end()) return custom->second;
  auto cached = defaults_.find(status);
  if (cached == defaults_.end()) cached = defaults_.emplace(status, default_error_response(status)).first;
  return cached->second;
}

}  // namespace proxyd::http
