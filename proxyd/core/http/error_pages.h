// proxyd's own HTTP answers: 400, 403, 404, 405, 408, 413, 421, 429, 431,
// 500, 501, 502, 503, 504 (and 505), small and correct (Content-Type
// text/html, Content-Length, Cache-Control: no-cache, Connection: close), or
// an operator's `errorfile`. Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/core/result.h"

namespace proxyd::http {

// The built-in complete response for <status> (any of the above; other
// codes get a generic body).
std::string default_error_response(int status);

// The reason phrase for <status> ("Service Unavailable"); "Unknown" for
// codes without one. The same function as in response.h (defined in
// response.cpp): one table of reason phrases for the whole proxy.
std::string_view reason_phrase(int status);

// Checks the contents of an errorfile: a complete HTTP/1.x response whose
// status is <status>, its head ended by an empty line. The file is sent as
// is, except that head lines ending in a bare LF (as editors write them) get
// CRLF, a missing Content-Length is added (the body is the rest of the
// file), and Connection is forced to close. A Content-Length that disagrees
// with the body, Transfer-Encoding, or a malformed head line is an error.
// Returns the bytes to send.
common::Result<std::string> prepare_errorfile(int status, std::string_view contents);

// Per-status overrides (status -> complete response), default otherwise.
// Defaults are built on first use and cached; not for concurrent use.
class ErrorPages {
 public:
  void set(int status, std::string response) { custom_[status] = std::move(response); }
  const std::string& response(int status) const;

 private:
  std::map<int, std::string> custom_;
  mutable std::map<int, std::string> defaults_;
};

}  // namespace proxyd::http
