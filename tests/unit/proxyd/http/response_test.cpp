#include "proxyd/core/http/response.h"

#include <catch2/catch.hpp>

using namespace proxyd::http;

TEST_CASE("a response serializes with Content-Length and Connection: close", "[proxyd][http]") {
  Response r{200, {}, "hello"};
  r.with("Content-Type", "text/plain");
  CHECK(serialize(r) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
}

TEST_CASE("HEAD answers carry the length of the body they omit", "[proxyd][http]") {
  const auto r = text_response(503, "backend app has no usable server");
  const auto wire = serialize(r, true);
  CHECK(wire.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  CHECK(wire.find("Content-Length: 33\r\n") != std::string::npos);
  CHECK(wire.ends_with("\r\n\r\n"));
}

TEST_CASE("reason phrases follow RFC 9110", "[proxyd][http]") {
  CHECK(reason_phrase(401) == "Unauthorized");
  CHECK(reason_phrase(413) == "Content Too Large");
  CHECK(reason_phrase(431) == "Request Header Fields Too Large");
  CHECK(reason_phrase(799) == "Unknown");
}
