// An HTTP/1.1 response as a value, and its bytes on the wire.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proxyd/core/http/request_parser.h"

namespace proxyd::http {

struct Response {
  int status = 200;
  std::vector<Header> headers;  // Content-Length and Connection are added by serialize()
  std::string body;

  Response& with(std::string name, std::string value) {
    headers.push_back({std::move(name), std::move(value)});
    return *this;
  }
};

// The reason phrase of <status> ("Not Found"); "Unknown" for codes not listed.
std::string_view reason_phrase(int status);

// "HTTP/1.1 <status> <reason>", the headers, Content-Length and
// "Connection: close", then the body unless <head_only> (a HEAD request).
std::string serialize(const Response& response, bool head_only = false);

// A short plain-text response: <body> followed by a newline.
Response text_response(int status, std::string_view body);

}  // namespace proxyd::http
