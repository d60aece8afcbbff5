#include "proxyd/core/http/message_head.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace proxyd::http;
using namespace std::string_literals;
using Status = HeadResult::Status;

namespace {

constexpr auto kReq = MessageKind::Request;
constexpr auto kResp = MessageKind::Response;

// One message of the table: what it is and what the parser must decide.
struct Case {
  std::string label;
  MessageKind kind;
  std::string text;
  int expect;  // 0: Done, otherwise the http_status of the Error
  BodyFraming framing = BodyFraming::None;
  std::uint64_t content_length = 0;
  bool keep_alive = true;
  std::string request_method = "GET";  // responses: the method answered
};

// Feeds <text> as a buffer that grows one byte at a time, as a socket might.
HeadResult parse_bytewise(HeadParser& parser, std::string_view text) {
  HeadResult r;
  for (std::size_t n = 1; n <= text.size(); ++n) {
    r = parser.parse(text.substr(0, n));
    if (r.status != Status::NeedMore) break;
  }
  return r;
}

// Parses <c> in one call and byte by byte; both must agree on everything.
void check_case(const Case& c, HeadLimits limits = {}) {
  INFO(c.label << ": " << c.text);
  HeadParser whole(c.kind, limits);
  whole.set_request_method(c.request_method);
  const auto r = whole.parse(c.text);
  HeadParser bytewise(c.kind, limits);
  bytewise.set_request_method(c.request_method);
  const auto b = parse_bytewise(bytewise, c.text);
  CHECK(r.status == b.status);
  CHECK(r.consumed == b.consumed);
  CHECK(r.error == b.error);
  CHECK(r.http_status == b.http_status);
  if (c.expect != 0) {
    REQUIRE(r.status == Status::Error);
    CHECK(r.http_status == c.expect);
    CHECK_FALSE(r.error.empty());
    return;
  }
  REQUIRE(r.status == Status::Done);
  CHECK(r.consumed == c.text.size());
  const auto& h = whole.head();
  CHECK(h.framing == c.framing);
  CHECK(h.content_length == c.content_length);
  CHECK(h.keep_alive == c.keep_alive);
  const auto& g = bytewise.head();
  CHECK((h.method == g.method && h.target == g.target && h.status == g.status && h.reason == g.reason));
  CHECK((h.version_minor == g.version_minor && h.framing == g.framing && h.keep_alive == g.keep_alive));
  REQUIRE(h.headers.size() == g.headers.size());
  for (std::size_t i = 0; i < h.headers.size(); ++i) {
    CHECK(h.headers[i].name == g.headers[i].name);
    CHECK(h.headers[i].value == g.headers[i].value);
  }
}

const std::string kHost = "Host: a\r\n";

std::vector<Case> request_cases() {
  using F = BodyFraming;
  return {
      {"plain GET", kReq, "GET / HTTP/1.1\r\n" + kHost + "\r\n", 0, F::None, 0, true},
      {"HTTP/1.0 without Host", kReq, "GET / HTTP/1.0\r\n\r\n", 0, F::None, 0, false},
      {"HTTP/1.0 keep-alive", kReq, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 0, F::None, 0, true},
      {"HTTP/1.1 close", kReq, "GET / HTTP/1.1\r\n" + kHost + "Connection: close\r\n\r\n", 0, F::None, 0, false},
      {"close in a list", kReq, "GET / HTTP/1.1\r\n" + kHost + "Connection: foo, CLOSE\r\n\r\n", 0, F::None, 0, false},
      {"closed is not close", kReq, "GET / HTTP/1.1\r\n" + kHost + "Connection: closed\r\n\r\n", 0, F::None, 0, true},
      {"Content-Length", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 5\r\n\r\n", 0, F::ContentLength, 5,
       true},
      {"Content-Length 0", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 0\r\n\r\n", 0, F::ContentLength, 0,
       true},
      {"identical Content-Length copies", kReq,
       "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 7\r\ncontent-length: 007\r\n\r\n", 0, F::ContentLength, 7,
       true},
      {"chunked", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n", 0, F::Chunked, 0, true},
      {"gzip, chunked", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip, Chunked\r\n\r\n", 0, F::Chunked,
       0, true},
      {"codings over two fields", kReq,
       "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 0, F::Chunked,
       0, true},
      {"leading empty lines", kReq, "\r\n\r\nGET / HTTP/1.1\r\n" + kHost + "\r\n", 0, F::None, 0, true},
      {"obs-text and blanks in a value", kReq, "GET / HTTP/1.1\r\n" + kHost + "X: \t caf\xc3\xa9 a\tb \r\n\r\n", 0,
       F::None, 0, true},
      {"empty value", kReq, "GET / HTTP/1.1\r\n" + kHost + "X:\r\n\r\n", 0, F::None, 0, true},
      {"asterisk form", kReq, "OPTIONS * HTTP/1.1\r\n" + kHost + "\r\n", 0, F::None, 0, true},
      {"absolute form", kReq, "GET http://a/b?c HTTP/1.1\r\n" + kHost + "\r\n", 0, F::None, 0, true},
      // Smuggling and syntax: each refused.
      {"CL + TE", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"TE + CL", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
      {"CL CL differing", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
      {"CL comma list", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3, 3\r\n\r\n", 400},
      {"CL negative", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: -1\r\n\r\n", 400},
      {"CL sign", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: +1\r\n\r\n", 400},
      {"CL space inside", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 1 2\r\n\r\n", 400},
      {"CL hex", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 0x10\r\n\r\n", 400},
      {"CL empty", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length:\r\n\r\n", 400},
      {"CL overflow", kReq, "POST / HTTP/1.1\r\n" + kHost + "Content-Length: 18446744073709551616\r\n\r\n", 400},
      {"TE chunked, identity", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked, identity\r\n\r\n",
       400},
      {"TE chunked twice", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400},
      {"TE identity", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: identity\r\n\r\n", 400},
      {"TE xchunked", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: xchunked\r\n\r\n", 400},
      {"TE empty", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: \r\n\r\n", 400},
      {"TE in HTTP/1.0", kReq, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"blank before colon", kReq, "POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding : chunked\r\n\r\n", 400},
      {"obs-fold", kReq, "GET / HTTP/1.1\r\n" + kHost + "X: a\r\n b\r\n\r\n", 400},
      {"obs-fold with tab", kReq, "GET / HTTP/1.1\r\n" + kHost + "X: a\r\n\tb\r\n\r\n", 400},
      {"bare CR in a field", kReq, "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400},
      {"bare LF in a field", kReq, "GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400},
      {"bare LF ends the request line", kReq, "GET / HTTP/1.1\n" + kHost + "\r\n", 400},
      {"bare LF ends the head", kReq, "GET / HTTP/1.1\r\n" + kHost + "\n", 400},
      {"NUL in a value", kReq, "GET / HTTP/1.1\r\n" + kHost + "X: a\0b\r\n\r\n"s, 400},
      {"DEL in a value", kReq, "GET / HTTP/1.1\r\n" + kHost + "X: a\x7f\r\n\r\n", 400},
      {"invalid method token", kReq, "G(T / HTTP/1.1\r\n" + kHost + "\r\n", 400},
      {"invalid header name", kReq, "GET / HTTP/1.1\r\n" + kHost + "X@Y: b\r\n\r\n", 400},
      {"empty header name", kReq, "GET / HTTP/1.1\r\n" + kHost + ": b\r\n\r\n", 400},
      {"no colon", kReq, "GET / HTTP/1.1\r\n" + kHost + "X\r\n\r\n", 400},
      {"two Hosts", kReq, "GET / HTTP/1.1\r\n" + kHost + kHost + "\r\n", 400},
      {"two Hosts in HTTP/1.0", kReq, "GET / HTTP/1.0\r\n" + kHost + kHost + "\r\n", 400},
      {"no Host in HTTP/1.1", kReq, "GET / HTTP/1.1\r\n\r\n", 400},
      {"double space", kReq, "GET  / HTTP/1.1\r\n" + kHost + "\r\n", 400},
      {"empty target", kReq, "GET  HTTP/1.1\r\n" + kHost + "\r\n", 400},
      {"control in target", kReq, "GET /\x01 HTTP/1.1\r\n" + kHost + "\r\n", 400},
      {"no version", kReq, "GET /\r\n" + kHost + "\r\n", 400},
      {"garbage version", kReq, "GET / HTTP/1.x\r\n" + kHost + "\r\n", 400},
      {"lower-case version", kReq, "GET / http/1.1\r\n" + kHost + "\r\n", 400},
      {"HTTP/2.0", kReq, "GET / HTTP/2.0\r\n" + kHost + "\r\n", 505},
      {"HTTP/1.2", kReq, "GET / HTTP/1.2\r\n" + kHost + "\r\n", 505},
      {"HTTP/0.9", kReq, "GET / HTTP/0.9\r\n" + kHost + "\r\n", 505},
  };
}

std::vector<Case> response_cases() {
  using F = BodyFraming;
  return {
      {"200 with length", kResp, "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", 0, F::ContentLength, 12, true},
      {"200 until close", kResp, "HTTP/1.1 200 OK\r\n\r\n", 0, F::UntilClose, 0, false},
      {"200 chunked", kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, F::Chunked, 0, true},
      {"200 gzip only: until close", kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 0, F::UntilClose, 0,
       false},
      {"204", kResp, "HTTP/1.1 204 No Content\r\n\r\n", 0, F::None, 0, true},
      {"304 with length", kResp, "HTTP/1.1 304 Not Modified\r\nContent-Length: 40\r\n\r\n", 0, F::None, 0, true},
      {"100 continue", kResp, "HTTP/1.1 100 Continue\r\n\r\n", 0, F::None, 0, true},
      {"101 upgrade", kResp, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 0,
       F::None, 0, true},
      {"answer to HEAD", kResp, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 0, F::None, 0, true, "HEAD"},
      {"chunked answer to HEAD", kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, F::None, 0, true,
       "HEAD"},
      {"HTTP/1.0 with length", kResp, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n", 0, F::ContentLength, 1, false},
      {"HTTP/1.0 keep-alive", kResp, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\n", 0,
       F::ContentLength, 1, true},
      {"HTTP/1.0 keep-alive until close", kResp, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\n", 0, F::UntilClose,
       0, false},
      {"close", kResp, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n", 0, F::ContentLength, 1,
       false},
      {"empty reason", kResp, "HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", 0, F::ContentLength, 0, true},
      {"no reason at all", kResp, "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", 0, F::ContentLength, 0, true},
      {"reason with blanks", kResp, "HTTP/1.1 500 Internal  Server\tError\r\nContent-Length: 0\r\n\r\n", 0,
       F::ContentLength, 0, true},
      {"TE + CL", kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
      {"CL CL differing", kResp, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
      {"chunked, gzip", kResp, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400},
      {"TE in HTTP/1.0", kResp, "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"status 99", kResp, "HTTP/1.1 099 Low\r\n\r\n", 400},
      {"status 600", kResp, "HTTP/1.1 600 High\r\n\r\n", 400},
      {"two-digit status", kResp, "HTTP/1.1 20 OK\r\n\r\n", 400},
      {"four-digit status", kResp, "HTTP/1.1 2000 OK\r\n\r\n", 400},
      {"control in reason", kResp, "HTTP/1.1 200 O\x01K\r\n\r\n", 400},
      {"HTTP/2 status line", kResp, "HTTP/2.0 200 OK\r\n\r\n", 505},
      {"garbage status line", kResp, "ICY 200 OK\r\n\r\n", 400},
      {"bare LF", kResp, "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", 400},
      {"obs-fold", kResp, "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", 400},
      {"leading empty line", kResp, "\r\nHTTP/1.1 200 OK\r\n\r\n", 400},
  };
}

}  // namespace

TEST_CASE("request table: valid and invalid heads, one-shot and byte by byte agree", "[http]") {
  for (const auto& c : request_cases()) check_case(c);
}

TEST_CASE("response table: status line, framing (RFC 9112 6.3) and keep-alive", "[http]") {
  for (const auto& c : response_cases()) check_case(c);
}

TEST_CASE("views point into the caller's buffer; accessors", "[http]") {
  const std::string text =
      "PUT /up/load?x=1&y HTTP/1.1\r\nHost: example\r\nExpect: 100-Continue\r\nConnection: keep-alive, Upgrade\r\n"
      "Upgrade: h2c\r\nX-List: a, b\r\nX-List: c\r\n\r\n";
  HeadParser parser(kReq);
  REQUIRE(parser.parse(text).status == Status::Done);
  const auto& h = parser.head();
  CHECK(h.method == "PUT");
  CHECK(h.method.data() == text.data());
  CHECK(h.target == "/up/load?x=1&y");
  CHECK(h.path() == "/up/load");
  CHECK(h.query() == "x=1&y");
  CHECK(h.header("HOST") == "example");
  CHECK(h.header("host")->data() == text.data() + text.find("example"));
  CHECK_FALSE(h.header("cookie"));
  CHECK(h.header_has_token("x-list", "C"));
  CHECK(h.header_has_token("x-list", "b"));
  CHECK_FALSE(h.header_has_token("x-list", "a, b"));
  CHECK(h.expect_continue);
  CHECK(h.upgrade);
  CHECK(h.keep_alive);

  HeadParser plain(kReq);
  REQUIRE(plain.parse("GET /p HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\n\r\n").status == Status::Done);
  CHECK_FALSE(plain.head().upgrade);  // no Upgrade header
  CHECK_FALSE(plain.head().expect_continue);
  CHECK(plain.head().query().empty());
}

TEST_CASE("pipelined requests: consumed stops at the end of the first head", "[http]") {
  const std::string first = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
  const std::string second = "GET /b HTTP/1.1\r\nHost: b\r\n\r\n";
  const std::string both = first + second;
  HeadParser parser(kReq);
  const auto r = parser.parse(both);
  REQUIRE(r.status == Status::Done);
  CHECK(r.consumed == first.size());
  CHECK(parser.head().target == "/a");
  // Done is sticky, whatever the buffer.
  CHECK(parser.parse(both).consumed == first.size());
  parser.reset();
  const auto next = parser.parse(std::string_view(both).substr(r.consumed));
  REQUIRE(next.status == Status::Done);
  CHECK(next.consumed == second.size());
  CHECK(parser.head().target == "/b");
}

TEST_CASE("a head arriving in pieces: NeedMore until the empty line", "[http]") {
  const std::string text = "GET / HTTP/1.1\r\nHost: a\r\n\r\nbody";
  HeadParser parser(kReq);
  CHECK(parser.parse(std::string_view(text).substr(0, 15)).status == Status::NeedMore);  // ends at the CR
  CHECK(parser.parse(std::string_view(text).substr(0, 16)).status == Status::NeedMore);
  CHECK(parser.parse(std::string_view(text).substr(0, 26)).status == Status::NeedMore);
  const auto r = parser.parse(text);
  REQUIRE(r.status == Status::Done);
  CHECK(r.consumed == text.size() - 4);
}

TEST_CASE("limits: 431 once the buffer passes max_head_bytes, or past max_headers", "[http]") {
  HeadLimits limits;
  limits.max_head_bytes = 64;
  limits.max_headers = 2;
  const std::string exact = "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(64 - 32, 'v') + "\r\n\r\n";
  REQUIRE(exact.size() == 64);
  check_case({"head of exactly the limit", kReq, exact, 0, BodyFraming::None, 0, true}, limits);
  check_case({"one byte over", kReq, "GET / HTTP/1.1\r\nHost: a\r\nX: " + std::string(64 - 31, 'v') + "\r\n\r\n", 431},
             limits);
  check_case({"two fields", kReq, "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\n\r\n", 0, BodyFraming::None, 0, true}, limits);
  check_case({"three fields", kReq, "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", 431}, limits);
  check_case({"three fields (response)", kResp, "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431}, limits);
  {
    // No terminator yet: refused as soon as the buffer is over the limit.
    HeadParser parser(kReq, limits);
    const std::string endless = "GET /" + std::string(100, 'a');
    CHECK(parser.parse(std::string_view(endless).substr(0, 64)).status == Status::NeedMore);
    const auto r = parser.parse(std::string_view(endless).substr(0, 65));
    REQUIRE(r.status == Status::Error);
    CHECK(r.http_status == 431);
  }
  {
    // Errors inside the limit win over its overflow.
    HeadParser parser(kReq, limits);
    const auto r = parser.parse("G(T /" + std::string(100, 'a') + "\r\n");
    CHECK(r.http_status == 431);  // the request line never ended within the limit
    HeadParser early(kReq, limits);
    CHECK(early.parse("GET /\n" + std::string(100, 'a')).http_status == 400);
  }
}

TEST_CASE("HeadParser: an error is sticky and reset() starts over", "[http]") {
  HeadParser parser(kReq);
  const auto bad = parser.parse("BAD\n");
  REQUIRE(bad.status == Status::Error);
  const auto again = parser.parse("GET / HTTP/1.0\r\n\r\n");
  CHECK(again.status == Status::Error);
  CHECK(again.error == bad.error);
  parser.reset();
  CHECK(parser.parse("GET / HTTP/1.0\r\n\r\n").status == Status::Done);
}

TEST_CASE("reset() forgets the request method a response answered", "[http]") {
  HeadParser parser(kResp);
  parser.set_request_method("HEAD");
  REQUIRE(parser.parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n").status == Status::Done);
  CHECK(parser.head().framing == BodyFraming::None);
  parser.reset();
  REQUIRE(parser.parse("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n").status == Status::Done);
  CHECK(parser.head().framing == BodyFraming::ContentLength);
  CHECK(parser.head().content_length == 3);
}

TEST_CASE("is_token_char: tchar, nothing else (RFC 9110 5.6.2)", "[http]") {
  for (const char c : std::string_view("!#$%&'*+-.^_`|~09azAZ")) CHECK(is_token_char(static_cast<unsigned char>(c)));
  for (const char c : std::string_view("\"(),/:;<=>?@[\\]{} \t"))
    CHECK_FALSE(is_token_char(static_cast<unsigned char>(c)));
  CHECK_FALSE(is_token_char(0x80));
  CHECK_FALSE(is_token_char(0));
}
