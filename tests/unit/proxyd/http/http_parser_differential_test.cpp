// Differential test: our HeadParser and ChunkedScanner against Debian's
// libhttp-parser (the Node.js parser, linked into the tests only) on valid
// requests and responses. Both must agree on the start line, the fields,
// keep-alive and where the message (head and body) ends.
#if HAPAIR_HAVE_HTTP_PARSER

#include <http_parser.h>

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "proxyd/core/http/message_head.h"

using namespace proxyd::http;

namespace {

struct Sample {
  MessageKind kind;
  std::string text;
  std::string request_method = "GET";  // responses: the method they answer
};

// What either parser makes of a sample.
struct Parsed {
  std::string method;
  int status = 0;
  std::string url;
  int version_minor = -1;
  std::vector<std::pair<std::string, std::string>> headers;
  bool keep_alive = false;
  std::size_t end = 0;  // where the message (head and body) ends
  bool ok = false;
};

// libhttp-parser side: fed byte by byte, so the byte that completes the
// message is known; callbacks may arrive in fragments and are appended.
struct Theirs {
  Parsed parsed;
  bool in_value = false;
  bool skip_body = false;
  bool complete = false;
  std::size_t head_fields = 0;  // fields of the head; later ones are trailers
};

Theirs& theirs(http_parser* p) {
  return *static_cast<Theirs*>(p->data);
}

int on_url(http_parser* p, const char* at, std::size_t n) {
  theirs(p).parsed.url.append(at, n);
  return 0;
}

int on_field(http_parser* p, const char* at, std::size_t n) {
  auto& t = theirs(p);
  if (t.in_value || t.parsed.headers.empty()) t.parsed.headers.emplace_back();
  t.in_value = false;
  t.parsed.headers.back().first.append(at, n);
  return 0;
}

int on_value(http_parser* p, const char* at, std::size_t n) {
  auto& t = theirs(p);
  t.in_value = true;
  t.parsed.headers.back().second.append(at, n);
  return 0;
}

int on_headers_complete(http_parser* p) {
  auto& t = theirs(p);
  t.parsed.version_minor = p->http_major == 1 ? p->http_minor : -1;
  if (p->type == HTTP_REQUEST) t.parsed.method = http_method_str(static_cast<http_method>(p->method));
  t.parsed.status = static_cast<int>(p->status_code);
  t.head_fields = t.parsed.headers.size();
  // http_parser leaves it to the caller to know which responses carry no
  // body (RFC 9112 6.3): returning 1 skips it.
  const bool no_body = p->type == HTTP_RESPONSE &&
                       (t.skip_body || p->status_code < 200 || p->status_code == 204 || p->status_code == 304);
  return no_body ? 1 : 0;
}

int on_message_complete(http_parser* p) {
  auto& t = theirs(p);
  t.complete = true;
  t.parsed.keep_alive = http_should_keep_alive(p) != 0;
  return 0;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

Parsed parse_theirs(const Sample& sample) {
  http_parser_settings settings{};
  settings.on_url = on_url;
  settings.on_header_field = on_field;
  settings.on_header_value = on_value;
  settings.on_headers_complete = on_headers_complete;
  settings.on_message_complete = on_message_complete;
  http_parser parser{};
  http_parser_init(&parser, sample.kind == MessageKind::Request ? HTTP_REQUEST : HTTP_RESPONSE);
  Theirs t;
  t.skip_body = sample.request_method == "HEAD";
  parser.data = &t;
  const auto& text = sample.text;
  for (std::size_t i = 0; i < text.size() && !t.complete; ++i) {
    if (http_parser_execute(&parser, &settings, text.data() + i, 1) != 1) return t.parsed;
    if (t.complete) t.parsed.end = i + 1;
  }
  if (!t.complete) {
    http_parser_execute(&parser, &settings, text.data(), 0);  // EOF ends a body read until close
    t.parsed.end = text.size();
  }
  t.parsed.headers.resize(t.head_fields);  // http_parser reports trailers as fields
  for (auto& [name, value] : t.parsed.headers) value = trim(value);
  t.parsed.ok = t.complete && HTTP_PARSER_ERRNO(&parser) == HPE_OK;
  return t.parsed;
}

Parsed parse_ours(const Sample& sample) {
  Parsed out;
  HeadParser parser(sample.kind);
  parser.set_request_method(sample.request_method);
  const auto r = parser.parse(sample.text);
  if (r.status != HeadResult::Status::Done) return out;
  const auto& h = parser.head();
  out.method = h.method;
  out.status = h.status;
  out.url = h.target;
  out.version_minor = h.version_minor;
  for (const auto& f : h.headers) out.headers.emplace_back(f.name, f.value);
  out.keep_alive = h.keep_alive;
  switch (h.framing) {
    case BodyFraming::None:
      out.end = r.consumed;
      break;
    case BodyFraming::ContentLength:
      out.end = r.consumed + h.content_length;
      break;
    case BodyFraming::UntilClose:
      out.end = sample.text.size();
      break;
    case BodyFraming::Chunked: {
      ChunkedScanner scanner;
      const auto body = scanner.feed(std::string_view(sample.text).substr(r.consumed));
      if (body.status != ChunkedScanner::Result::Status::Done) return out;
      out.end = r.consumed + body.consumed;
      break;
    }
  }
  out.ok = true;
  return out;
}

constexpr auto kReq = MessageKind::Request;
constexpr auto kResp = MessageKind::Response;
const std::string kNext = "GET /next HTTP/1.1\r\nHost: n\r\n\r\n";  // a pipelined follower

std::vector<Sample> samples() {
  return {
      {kReq, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"},
      {kReq, "GET /search?q=x&y=%20 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nUser-Agent: curl/8\r\n\r\n"},
      {kReq, "HEAD /index.html HTTP/1.1\r\nHost: a\r\n\r\n" + kNext},
      {kReq, "DELETE /item/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"},
      {kReq, "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"},
      {kReq, "GET / HTTP/1.0\r\n\r\n"},
      {kReq, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + kNext},
      {kReq, "GET http://a/b HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, TE\r\nTE: trailers\r\n\r\n"},
      {kReq,
       "POST /form HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world" + kNext},
      {kReq, "POST /empty HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n" + kNext},
      {kReq, "PUT /f HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"},
      {kReq, "PATCH /p HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nConnection: close\r\n\r\n{\"\"}"},
      {kReq, "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + kNext},
      {kReq,
       "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n"
       "A\r\n0123456789\r\n0\r\nX-Checksum: 42\r\n\r\n"},
      {kReq, "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"},
      {kReq, "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Spaces:   v  \r\nCookie: a=1; b=2\r\n\r\n"},
      {kReq, "PROPFIND /dav/ HTTP/1.1\r\nHost: a\r\nDepth: 1\r\nContent-Length: 2\r\n\r\n<>"},
      {kResp, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"},
      {kResp, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n"},
      {kResp, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"},
      {kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n"},
      {kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X\r\n\r\n1\r\nx\r\n0\r\nX: y\r\n\r\n"},
      {kResp, "HTTP/1.1 200 OK\r\nServer: old\r\n\r\nread until the server closes"},
      {kResp, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"},
      {kResp, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"},
      {kResp, "HTTP/1.0 200 OK\r\n\r\nuntil close"},
      {kResp, "HTTP/1.1 204 No Content\r\nDate: today\r\n\r\n"},
      {kResp, "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"},
      {kResp, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", "HEAD"},
      {kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD"},
      {kResp, "HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"},
      {kResp, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\nerr"},
  };
}

}  // namespace

TEST_CASE("differential: HeadParser and ChunkedScanner agree with libhttp-parser", "[http]") {
  for (const auto& sample : samples()) {
    INFO(sample.text);
    const auto ours = parse_ours(sample);
    const auto ref = parse_theirs(sample);
    REQUIRE(ref.ok);
    REQUIRE(ours.ok);
    CHECK(ours.method == ref.method);
    CHECK(ours.status == ref.status);
    CHECK(ours.url == ref.url);
    CHECK(ours.version_minor == ref.version_minor);
    CHECK(ours.headers == ref.headers);
    CHECK(ours.keep_alive == ref.keep_alive);
    CHECK(ours.end == ref.end);
  }
}

#endif  // HAPAIR_HAVE_HTTP_PARSER
