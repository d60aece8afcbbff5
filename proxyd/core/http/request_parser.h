// Incremental, strict HTTP/1.x request-head parser (RFC 9112): request line,
// header fields, and the body framing they announce. Bytes in, a Request out;
// no I/O, no allocation beyond the request it builds. Today it serves the
// stats listener; layer-7 proxying grows it (chunked bodies, responses).
//
// Return contract of feed(bytes):
//   NeedMore  the head is not complete; every byte was absorbed
//             (consumed == bytes.size()). Call again with the next bytes.
//   Done      the head ended after <consumed> bytes of this chunk (its final
//             CRLF included); what follows is the body. request() is valid.
//   Error     not an acceptable request: <error> says why (a static string)
//             and <http_status> is the status to answer (400, 413, 414, 431,
//             501, 505) before closing. <consumed> counts the bytes examined
//             in this call, up to the offending one.
// After Done or Error, feed() returns the same status with consumed == 0.
//
// Strictness (each a deliberate choice against request smuggling and
// ambiguity): lines end with CRLF (a bare CR or LF is an error); exactly one
// SP between the three parts of the request line; only HTTP/1.x; no
// whitespace before a header's colon; no obsolete line folding; no control
// characters in values; HTTP/1.1 needs exactly one Host; Content-Length is
// digits only, and repeated copies must agree; Transfer-Encoding must end
// with chunked, needs HTTP/1.1 and excludes Content-Length. Empty lines
// before the request line are skipped (RFC 9112 2.2).
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
  explicit RequestParser(Limits limits = {}) : limits_(limits) {}

  // Feeds the next bytes of the connection; see the contract above.
  ParseResult feed(std::span<const std::uint8_t> bytes);

  // The parsed request; complete once feed() returned Done.
  const Request& request() const { return request_; }

  // Bytes of the head received so far (its full length once Done).
  std::size_t head_length() const { return total_; }

  // Forgets everything, ready for the next request.
  void reset();

 private:
  enum class Stage { RequestLine, Headers, Done, Failed };

  // Handles one complete line (without its CRLF).
  void end_line();
  void parse_request_line(std::string_view line);
  void parse_header(std::string_view line);
  void apply_framing(const Header& header);
  void finish_head();
  void fail(int http_status, std::string_view reason);
  ParseResult result(std::size_t consumed) const;

  Limits limits_;
  Stage stage_ = Stage::RequestLine;
  Request request_;
  std::string line_;
  bool saw_cr_ = false;
  std::size_t total_ = 0;
  std::size_t hosts_ = 0;
  bool has_content_length_ = false;
  bool has_transfer_encoding_ = false;
  std::string_view error_;
  int error_status_ = 0;
};

}  // namespace proxyd::http
