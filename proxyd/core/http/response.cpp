#include "proxyd/core/http/response.h"

#include <fmt/format.h>

#include <iterator>

namespace proxyd::http {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 421:
      return "Misdirected Request";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string serialize(const Response& response, bool head_only) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", response.status, reason_phrase(response.status));
  auto it = std::back_inserter(out);
  for (const auto& h : response.headers) fmt::format_to(it, "{}: {}\r\n", h.name, h.value);
  fmt::format_to(it, "Content-Length: {}\r\nConnection: close\r\n\r\n", response.body.size());
  if (!head_only) out += response.body;
  return out;
}

Response text_response(int status, std::string_view body) {
  Response r{status, {}, std::string(body) + "\n"};
  r.with("Content-Type", "text/plain; charset=utf-8").with("Cache-Control", "no-store");
  return r;
}

}  // namespace proxyd::http
