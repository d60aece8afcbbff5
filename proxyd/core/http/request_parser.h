// Request-head parser for the stats listener: a thin adapter over HeadParser
// (message_head.h, which holds the parsing and its strictness rules) for
// callers that receive the head in pieces and want an owning Request. It
// keeps the bytes of the head (at most max_head_bytes + 1), so each piece
// may be dropped after feed().
//
// Return contract of feed(bytes):
//   NeedMore  the head is not complete; every byte was absorbed
//             (consumed == bytes.size()). Call again with the next bytes.
//   Done      the head ended after <consumed> bytes of this chunk (its final
//             CRLF included); what follows is the body. request() is valid.
//   Error     not an acceptable request: <error> says why (a static string)
//             and <http_status> is the status to answer (400, 413, 414, 431,
//             501, 505) before closing. <consumed> is at most the bytes of
//             this call (up to the head limit for 414 and 431).
// After Done or Error, feed() returns the same status with consumed == 0.
// On top of HeadParser: a head over the limit before its request line ended
// is 414, and a Content-Length over max_body_bytes is 413.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proxyd/core/http/message_head.h"

namespace proxyd::http {

struct Limits {
  std::size_t max_head_bytes = 8192;       // request line, headers and CRLFs
  std::size_t max_headers = 64;            // header fields
  std::uint64_t max_body_bytes = 1 << 20;  // largest Content-Length accepted
};

struct Header {
  std::string name;  // as sent; compare case-insensitively
  std::string value;
};

struct Request {
  std::string method;
  std::string target;     // request-target as sent
  int version_minor = 1;  // HTTP/1.<minor>
  std::vector<Header> headers;
  std::uint64_t content_length = 0;  // 0 when absent
  bool chunked = false;              // Transfer-Encoding ends with chunked

  // The first value of header <name> (case-insensitive), nullopt if absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // The target up to '?' (without the query), and what follows the '?'.
  std::string_view path() const;
  std::string_view query() const;
};

struct ParseResult {
  enum class Status { NeedMore, Done, Error };
  Status status = Status::NeedMore;
  std::size_t consumed = 0;
  std::string_view error;  // with Error only
  int http_status = 0;     // with Error only
};

class RequestParser {
 public:
  explicit RequestParser(Limits limits = {});
  // parser_ holds views into buffer_: neither may move.
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Feeds the next bytes of the connection; see the contract above.
  ParseResult feed(std::span<const std::uint8_t> bytes);

  // The parsed request; complete once feed() returned Done.
  const Request& request() const { return request_; }

  // Bytes of the head received so far (its full length once Done).
  std::size_t head_length() const { return head_length_; }

  // Forgets everything, ready for the next request.
  void reset();

 private:
  ParseResult fail(std::size_t consumed, int http_status, std::string_view reason);
  void copy_request(const MessageHead& head);

  Limits limits_;
  HeadParser parser_;
  std::string buffer_;  // the head's bytes so far; reserved, so it never moves
  Request request_;
  ParseResult final_;  // Done or Error, once reached
  std::size_t head_length_ = 0;
};

}  // namespace proxyd::http
