#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "proxyd/core/http/message_head.h"

using namespace proxyd::http;
using Status = ChunkedScanner::Result::Status;

namespace {

struct Outcome {
  Status status = Status::NeedMore;
  std::size_t consumed = 0;  // over the whole input
  std::string decoded;
  std::string_view error;
};

Outcome scan_whole(std::string_view input, std::size_t max_trailer = 16 * 1024) {
  ChunkedScanner scanner(max_trailer);
  Outcome out;
  const auto r = scanner.feed(input, &out.decoded);
  out.status = r.status;
  out.consumed = r.consumed;
  out.error = r.error;
  return out;
}

Outcome scan_bytewise(std::string_view input, std::size_t max_trailer = 16 * 1024) {
  ChunkedScanner scanner(max_trailer);
  Outcome out;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto r = scanner.feed(input.substr(i, 1), &out.decoded);
    out.status = r.status;
    out.consumed += r.consumed;
    out.error = r.error;
    if (r.status != Status::NeedMore) break;
  }
  return out;
}

struct Case {
  std::string label;
  std::string input;
  Status status;
  std::string decoded;  // with Done
};

std::vector<Case> cases() {
  return {
      {"one chunk", "5\r\nhello\r\n0\r\n\r\n", Status::Done, "hello"},
      {"two chunks, upper-case hex", "3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n", Status::Done, "abc0123456789"},
      {"empty body", "0\r\n\r\n", Status::Done, ""},
      {"leading zeros", "0005\r\nhello\r\n000\r\n\r\n", Status::Done, "hello"},
      {"extensions", "5;a=b;flag;q=\"x \\\" y\"\r\nhello\r\n0;last\r\n\r\n", Status::Done, "hello"},
      {"trailers", "1\r\nx\r\n0\r\nX-Sum: abc\r\nY:\r\n\r\n", Status::Done, "x"},
      {"incomplete", "5\r\nhel", Status::NeedMore, ""},
      {"incomplete trailers", "0\r\nX: 1\r\n", Status::NeedMore, ""},
      {"sixteen digits", "ffffffffffffffff\r\nabc", Status::NeedMore, ""},
      {"overflow", "ffffffffffffffffff\r\n", Status::Error, ""},
      {"seventeen digits", "00000000000000001\r\nx\r\n0\r\n\r\n", Status::Error, ""},
      {"0x prefix", "0x5\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"negative", "-5\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"no digits", "\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"no digits before extension", ";a\r\n", Status::Error, ""},
      {"blank before size", " 5\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"blank after size", "5 \r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"bare LF after size", "5\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"bare CR after size", "5\rhello\r\n0\r\n\r\n", Status::Error, ""},
      {"data longer than announced", "3\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"missing CRLF after data", "5\r\nhello0\r\n\r\n", Status::Error, ""},
      {"LF only after data", "5\r\nhello\n0\r\n\r\n", Status::Error, ""},
      {"blank in extension", "5; a=b\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"extension without name", "5;=b\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"extension without value", "5;a=\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"unterminated quoted extension", "5;a=\"b\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"text after quoted extension", "5;a=\"b\"c\r\nhello\r\n0\r\n\r\n", Status::Error, ""},
      {"trailer without colon", "0\r\nX-Sum\r\n\r\n", Status::Error, ""},
      {"trailer name with blank", "0\r\nX Sum: a\r\n\r\n", Status::Error, ""},
      {"trailer blank before colon", "0\r\nX-Sum : a\r\n\r\n", Status::Error, ""},
      {"trailer obs-fold", "0\r\nX: a\r\n b\r\n\r\n", Status::Error, ""},
      {"trailer empty name", "0\r\n: a\r\n\r\n", Status::Error, ""},
      {"trailer control char", std::string("0\r\nX: a\0b\r\n\r\n", 14), Status::Error, ""},
      {"trailer bare LF", "0\r\nX: a\n\r\n", Status::Error, ""},
      {"final bare LF", "0\r\n\n", Status::Error, ""},
  };
}

}  // namespace

TEST_CASE("chunked table: one call and byte by byte agree (RFC 9112 7.1)", "[http]") {
  for (const auto& c : cases()) {
    INFO(c.label);
    const auto whole = scan_whole(c.input);
    const auto bytewise = scan_bytewise(c.input);
    CHECK(whole.status == c.status);
    CHECK(bytewise.status == c.status);
    CHECK(whole.error == bytewise.error);
    CHECK(whole.consumed == bytewise.consumed);
    CHECK(whole.decoded == bytewise.decoded);
    if (c.status == Status::Error) CHECK_FALSE(whole.error.empty());
    if (c.status == Status::NeedMore) CHECK(whole.consumed == c.input.size());
    if (c.status != Status::Done) continue;
    CHECK(whole.consumed == c.input.size());
    CHECK(whole.decoded == c.decoded);
  }
}

TEST_CASE("Done stops at the end of the body; the next message is left", "[http]") {
  const std::string body = "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
  ChunkedScanner scanner;
  std::string decoded;
  const auto r = scanner.feed(body + "GET / HTTP/1.1\r\n", &decoded);
  REQUIRE(r.status == Status::Done);
  CHECK(r.consumed == body.size());
  CHECK(decoded == "Wikipedia");
  CHECK(scanner.data_bytes() == 9);
  // Done is sticky and consumes nothing more.
  const auto again = scanner.feed("0\r\n\r\n");
  CHECK(again.status == Status::Done);
  CHECK(again.consumed == 0);
  scanner.reset();
  CHECK(scanner.data_bytes() == 0);
  CHECK(scanner.feed("0\r\n\r\n").status == Status::Done);
}

TEST_CASE("decoded output is optional; data passes in any split", "[http]") {
  const std::string body = "a\r\n0123456789\r\n0\r\n\r\n";
  for (std::size_t split = 0; split <= body.size(); ++split) {
    ChunkedScanner scanner;
    const auto first = scanner.feed(std::string_view(body).substr(0, split));
    std::size_t consumed = first.consumed;
    if (first.status == Status::NeedMore) {
      const auto second = scanner.feed(std::string_view(body).substr(split));
      CHECK(second.status == Status::Done);
      consumed += second.consumed;
    }
    CHECK(consumed == body.size());
    CHECK(scanner.data_bytes() == 10);
  }
}

TEST_CASE("an error is sticky; its consumed stops before the offending byte", "[http]") {
  ChunkedScanner scanner;
  const auto r = scanner.feed("5\r\nhelloX");
  REQUIRE(r.status == Status::Error);
  CHECK(r.consumed == 8);
  CHECK(r.error == "missing CRLF after chunk data");
  const auto again = scanner.feed("\r\n0\r\n\r\n");
  CHECK(again.status == Status::Error);
  CHECK(again.consumed == 0);
  CHECK(again.error == r.error);
}

TEST_CASE("the trailer section is bounded by max_trailer_bytes", "[http]") {
  const std::string trailers = "X-A: " + std::string(20, 'a') + "\r\n";  // 27 bytes
  const std::string body = "0\r\n" + trailers + "\r\n";
  CHECK(scan_whole(body, 29).status == Status::Done);
  CHECK(scan_bytewise(body, 29).status == Status::Done);
  const auto over = scan_whole(body, 28);
  CHECK(over.status == Status::Error);
  CHECK(over.error == "trailer section too large");
  CHECK(scan_bytewise(body, 28).status == Status::Error);
}

TEST_CASE("a chunk-size line with endless extensions is refused", "[http]") {
  const auto r = scan_whole("5;a=" + std::string(5000, 'b') + "\r\n");
  CHECK(r.status == Status::Error);
}
