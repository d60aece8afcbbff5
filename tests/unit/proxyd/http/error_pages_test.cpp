#include "proxyd/core/http/error_pages.h"

#include <catch2/catch.hpp>
#include <string>

using namespace proxyd::http;

namespace {

// The body after the head, and the Content-Length the head announces.
std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  return response.substr(end + 4);
}

std::string prepared(int status, std::string_view contents) {
  const auto result = prepare_errorfile(status, contents);
  REQUIRE(result);
  return *result;
}

std::string error_of(int status, std::string_view contents) {
  const auto result = prepare_errorfile(status, contents);
  REQUIRE_FALSE(result);
  return result.error().message;
}

}  // namespace

TEST_CASE("the built-in 503 page", "[proxyd][http][error_pages]") {
  const std::string body =
      "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n"
      "</body></html>\n";
  CHECK(default_error_response(503) ==
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n" + body);
}

TEST_CASE("every built-in page is complete and its length exact", "[proxyd][http][error_pages]") {
  for (const int status : {400, 403, 404, 405, 408, 413, 421, 429, 431, 500, 501, 502, 503, 504, 505, 418}) {
    CAPTURE(status);
    const auto response = default_error_response(status);
    CHECK(
        response.starts_with("HTTP/1.1 " + std::to_string(status) + " " + std::string(reason_phrase(status)) + "\r\n"));
    const auto body = body_of(response);
    CHECK(response.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
    CHECK(response.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK(response.find("\r\nContent-Type: text/html\r\n") != std::string::npos);
    // The default was checked by prepare_errorfile's rules too.
    CHECK(prepared(status, response) == response);
  }
  CHECK(reason_phrase(502) == "Bad Gateway");
  CHECK(reason_phrase(504) == "Gateway Timeout");
  CHECK(reason_phrase(421) == "Misdirected Request");
  CHECK(reason_phrase(429) == "Too Many Requests");
}

TEST_CASE("an errorfile gets Content-Length and Connection: close", "[proxyd][http][error_pages]") {
  CHECK(prepared(503, "HTTP/1.1 503 Busy\r\nContent-Type: text/plain\r\nConnection: keep-alive\r\n\r\nbusy\n") ==
        "HTTP/1.1 503 Busy\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n");
  CHECK(prepared(503, "HTTP/1.0 503\r\nContent-Length: 0\r\n\r\n") ==
        "HTTP/1.0 503\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

TEST_CASE("an errorfile written with LF line ends gets CRLF in its head only", "[proxyd][http][error_pages]") {
  CHECK(prepared(404, "HTTP/1.1 404 Not Found\nContent-Type: text/html\n\n<p>gone</p>\n<p>really</p>\n") ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 26\r\nConnection: close\r\n\r\n"
        "<p>gone</p>\n<p>really</p>\n");
  // Mixed line ends are fine too.
  CHECK(prepared(404, "HTTP/1.1 404 Not Found\r\nX-A: 1\n\r\n") ==
        "HTTP/1.1 404 Not Found\r\nX-A: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

TEST_CASE("errorfiles that are not a response for their status are rejected", "[proxyd][http][error_pages]") {
  CHECK(error_of(503, "HTTP/1.1 502 Bad Gateway\r\n\r\n") == "errorfile for 503: has status 502, expected 503");
  CHECK(error_of(503, "<html>busy</html>\n") == "errorfile for 503: the head does not end with an empty line");
  CHECK(error_of(503, "<html>busy</html>\n\n") == "errorfile for 503: does not start with an HTTP/1.x status line");
  CHECK(error_of(503, "HTTP/2 503\r\n\r\n") == "errorfile for 503: does not start with an HTTP/1.x status line");
  CHECK(error_of(503, "HTTP/1.1 5030\r\n\r\n") == "errorfile for 503: does not start with an HTTP/1.x status line");
  CHECK(error_of(503, "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n") ==
        "errorfile for 503: the head does not end with an empty line");
  CHECK(error_of(503, "") == "errorfile for 503: the head does not end with an empty line");
  CHECK(error_of(503, "\n") == "errorfile for 503: empty head");
  CHECK(error_of(503, "HTTP/1.1 503 Busy\r\nno colon here\r\n\r\n") ==
        "errorfile for 503: has a malformed header line 'no colon here'");
  CHECK(error_of(503, "HTTP/1.1 503 Busy\r\n folded: x\r\n\r\n") ==
        "errorfile for 503: has a malformed header line ' folded: x'");
  CHECK(error_of(503, "HTTP/1.1 503 Busy\r\nContent-Length: 10\r\n\r\nbusy") ==
        "errorfile for 503: Content-Length 10 but the body has 4 bytes");
  CHECK(error_of(503, "HTTP/1.1 503 Busy\r\nContent-Length: x\r\n\r\n") ==
        "errorfile for 503: has an invalid Content-Length 'x'");
  CHECK(error_of(503, "HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") ==
        "errorfile for 503: must not use Transfer-Encoding");
  CHECK(error_of(503, "HTTP/1.1 503 Busy\rX: 1\r\n\r\n") == "errorfile for 503: a bare CR in the head");
}

TEST_CASE("error pages answer custom responses first, then cached defaults", "[proxyd][http][error_pages]") {
  ErrorPages pages;
  CHECK(pages.response(503) == default_error_response(503));
  const auto* cached = &pages.response(503);
  CHECK(&pages.response(503) == cached);  // built once
  pages.set(503, "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  CHECK(pages.response(503) == "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  CHECK(pages.response(502) == default_error_response(502));
}
