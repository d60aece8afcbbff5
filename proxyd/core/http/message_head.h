// Strict, zero-copy, incremental HTTP/1.x message-head parser (RFC 9112)
// for requests and responses: start line, header fields, and the body
// framing and connection semantics they announce. Pure: bytes in, a
// MessageHead of views out; no I/O and no copy of the bytes.
//
// Return contract of HeadParser::parse(buffer):
//   <buffer> is every byte received so far for this message, starting at
//   its first byte, in one contiguous block that does not move or change
//   between calls (it only grows at the end). The parser remembers how far
//   it got and resumes there, so feeding a head byte by byte costs O(n).
//   NeedMore  the head is not complete yet; call again with a longer buffer.
//   Done      the head ends after <consumed> bytes (its final CRLF
//             included); what follows in <buffer> is body or the next
//             message. head() is valid, its views point into <buffer>.
//   Error     not an acceptable message: <error> says why (a static string)
//             and <http_status> is the status to answer: 400 (malformed or
//             ambiguous), 431 (head over max_head_bytes or over
//             max_headers), 501 (Transfer-Encoding other than chunked),
//             505 (not HTTP/1.x); for a response the caller answers 502.
// After Done or Error, parse() returns the same result again.
//
// Strictness (each against request smuggling and ambiguity): lines end with
// CRLF (a bare CR or a bare LF is an error); exactly one SP between the
// parts of the start line; only HTTP/1.0 and HTTP/1.1; header names are
// tokens with nothing between name and colon; no obsolete line folding; no
// control characters (other than HTAB) in values; Content-Length is digits
// only and repeated copies (or comma lists) must agree; Transfer-Encoding
// must end with a single final "chunked", needs HTTP/1.1 and excludes
// Content-Length; an HTTP/1.1 request needs exactly one Host. Empty lines
// before a request line are skipped (RFC 9112 2.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace proxyd::http {

enum class MessageKind { Request, Response };

// How the body after the head is delimited (RFC 9112 6.3).
enum class BodyFraming {
  None,           // no body: a request without Content-Length or Transfer-Encoding,
                  // a response to HEAD, 1xx, 204, 304
  ContentLength,  // exactly content_length bytes
  Chunked,        // chunked transfer coding (ChunkedScanner finds its end)
  UntilClose,     // a response without either: body ends when the server closes
};

struct HeaderField {
  std::string_view name;  // as sent; compare case-insensitively
  std::string_view value;  // leading and trailing blanks removed
};

struct MessageHead {
  // Request line (requests only).
  std::string_view method;
  std::string_view target;
  // Status line (responses only).
  int status = 0;
  std::string_view reason;

  int version_minor = 1;  // HTTP/1.<minor>, 0 or 1
  std::vector<HeaderField> headers;

  BodyFraming framing = BodyFraming::None;
  std::uint64_t content_length = 0;  // with BodyFraming::ContentLength

  // Connection semantics (RFC 9112 9.3): HTTP/1.1 is persistent unless a
  // Connection header lists "close"; HTTP/1.0 only with "keep-alive".
  bool keep_alive = true;
  // The Connection header lists "upgrade" and an Upgrade header is present.
  bool upgrade = false;
  // A request with "Expect: 100-continue".
  bool expect_continue = false;

  // The first value of header <name> (case-insensitive), nullopt if absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // True when the comma-separated values of header <name> (all copies)
  // contain <token> (case-insensitive).
  bool header_has_token(std::string_view name, std::string_view token) const;
  // Request target without its query, and the query (after '?').
  std::string_view path() const;
  std::string_view query() const;
};

struct HeadLimits {
  std::size_t max_head_bytes = 16 * 1024;  // start line, fields and CRLFs
  std::size_t max_headers = 100;
};

struct HeadResult {
  enum class Status { NeedMore, Done, Error };
  Status status = Status::NeedMore;
  std::size_t consumed = 0;  // with Done: the head's length
  std::string_view error;    // with Error
  int http_status = 0;       // with Error
};

class HeadParser {
 public:
  explicit HeadParser(MessageKind kind, HeadLimits limits = {}) : kind_(kind), limits_(limits) {}

  // For a response: the method of the request it answers (HEAD means no
  // body whatever the headers say). Set before parse().
  void set_request_method(std::string_view method);

  // See the contract above.
  HeadResult parse(std::string_view buffer);

  const MessageHead& head() const { return head_; }

  // Forgets the message, ready for the next one (same kind and limits).
  void reset();

 private:
  MessageKind kind_;
  HeadLimits limits_;
  bool head_request_ = false;
  MessageHead head_;
  HeadResult result_;
  std::size_t scanned_ = 0;     // bytes of <buffer> already examined
  std::size_t line_start_ = 0;  // start of the line being scanned
  bool start_line_done_ = false;
  std::size_t hosts_ = 0;
  bool has_content_length_ = false;
  bool has_transfer_encoding_ = false;
};

// Follows a chunked body (RFC 9112 7.1) as its bytes pass through
// unchanged: for each feed() it says how many of the bytes belong to the
// body, and when the body (last chunk, trailers, final CRLF) has ended.
// Strict: chunk sizes are hex digits only and at most 16 of them (no
// overflow), extensions must be ;token[=token|quoted-string], lines end with
// CRLF, data is followed by CRLF, trailer fields obey the head rules, and
// the trailer section is bounded by max_trailer_bytes.
class ChunkedScanner {
 public:
  struct Result {
    enum class Status { NeedMore, Done, Error };
    Status status = Status::NeedMore;
    std::size_t consumed = 0;  // bytes of this call's input that are body
    std::string_view error;    // with Error
  };

  explicit ChunkedScanner(std::size_t max_trailer_bytes = 16 * 1024) : max_trailer_bytes_(max_trailer_bytes) {}

  // Scans the next bytes. NeedMore: all consumed, the body continues.
  // Done: the body ended after <consumed> bytes; the rest belongs to the
  // next message. When <decoded> is given, chunk data is appended to it.
  Result feed(std::string_view bytes, std::string* decoded = nullptr);

  // Chunk data bytes seen so far (without the framing).
  std::uint64_t data_bytes() const { return data_bytes_; }

  void reset();

 private:
  enum class Stage { Size, Extension, SizeLf, Data, DataCr, DataLf, Trailer, TrailerLf, Done, Failed };
  std::size_t max_trailer_bytes_;
  Stage stage_ = Stage::Size;
  std::uint64_t remaining_ = 0;  // data bytes left in the current chunk
  std::size_t size_digits_ = 0;
  bool last_chunk_ = false;
  std::size_t trailer_bytes_ = 0;
  std::size_t trailer_line_ = 0;  // bytes in the current trailer line
  bool extension_quoted_ = false;
  std::uint64_t data_bytes_ = 0;
  std::string_view error_;
};

// True for RFC 9110 tchar (the characters of a token: methods, header names).
bool is_token_char(unsigned char c);

}  // namespace proxyd::http
