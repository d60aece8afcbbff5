#include "proxyd/core/http/body_framer.h"

#include <catch2/catch.hpp>

using proxyd::http::BodyFramer;
using proxyd::http::BodyFraming;
using proxyd::http::MessageHead;

namespace {

MessageHead head_with(BodyFraming framing, std::uint64_t length = 0) {
  MessageHead head;
  head.framing = framing;
  head.content_length = length;
  return head;
}

}  // namespace

TEST_CASE("body framer: no body is done at once and takes nothing", "[http]") {
  BodyFramer framer;
  framer.start(head_with(BodyFraming::None));
  CHECK(framer.done());
  const auto step = framer.feed("GET /next HTTP/1.1\r\n", false);
  CHECK(step.body_bytes == 0);
  CHECK(step.done);
}

TEST_CASE("body framer: Content-Length takes exactly its bytes, over several feeds", "[http]") {
  BodyFramer framer;
  framer.start(head_with(BodyFraming::ContentLength, 10));
  CHECK_FALSE(framer.done());
  auto step = framer.feed("abcd", false);
  CHECK(step.body_bytes == 4);
  CHECK_FALSE(step.done);
  step = framer.feed("efghijGET / HTTP/1.1", false);  // the rest of the body, then a pipelined request
  CHECK(step.body_bytes == 6);
  CHECK(step.done);
  CHECK(step.error.empty());
  // Content-Length: 0 is complete before any byte.
  framer.start(head_with(BodyFraming::ContentLength, 0));
  CHECK(framer.done());
}

TEST_CASE("body framer: a close before the announced length is an error", "[http]") {
  BodyFramer framer;
  framer.start(head_with(BodyFraming::ContentLength, 10));
  const auto step = framer.feed("abc", true);
  CHECK(step.body_bytes == 3);
  CHECK_FALSE(step.done);
  CHECK(step.cut_short);
  CHECK(step.error.empty());
}

TEST_CASE("body framer: chunked ends after the last chunk and trailers, and rejects garbage", "[http]") {
  BodyFramer framer;
  framer.start(head_with(BodyFraming::Chunked));
  auto step = framer.feed("5\r\nhello\r\n", false);
  CHECK(step.body_bytes == 10);
  CHECK_FALSE(step.done);
  step = framer.feed("0\r\nX-Trailer: 1\r\n\r\nNEXT", false);
  CHECK(step.body_bytes == 19);
  CHECK(step.done);
  framer.start(head_with(BodyFraming::Chunked));
  step = framer.feed("zz\r\n", false);
  CHECK_FALSE(step.error.empty());
  CHECK(step.body_bytes == 0);
}

TEST_CASE("body framer: until close takes everything and ends with the close", "[http]") {
  BodyFramer framer;
  framer.start(head_with(BodyFraming::UntilClose));
  auto step = framer.feed("some bytes", false);
  CHECK(step.body_bytes == 10);
  CHECK_FALSE(step.done);
  step = framer.feed("", true);
  CHECK(step.done);
  CHECK_FALSE(step.cut_short);
  CHECK(step.error.empty());
}
