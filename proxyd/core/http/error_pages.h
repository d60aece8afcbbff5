// proxyd's own HTTP answers: 400, 403, 408, 413, 421, 431, 500, 501, 502,
// 503, 504 (and 505), small and correct (Content-Type text/html,
// Content-Length, Connection: close), or an operator's `errorfile`. Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/core/result.h"

namespace proxyd::http {

// The built-in complete response for <status> (any of the above; other
// codes get a generic body).
std::string default_error_response(int status);

// The reason phrase for <status> ("Service Unavailable").
std::string_view reason_phrase(int status);

// Checks the contents of an errorfile: a complete HTTP/1.x response whose
// status is <status>. The file is sent as is, except that a missing
// Content-Length is added and Connection is forced to close. Returns the
// bytes to send.
common::Result<std::string> prepare_errorfile(int status, std::string_view contents);

// Per-status overrides (status -> complete response), default otherwise.
class ErrorPages {
 public:
  void set(int status, std::string response) { custom_[status] = std::move(response); }
  const std::string& response(int status) const;

 private:
  std::map<int, std::string> custom_;
  mutable std::map<int, std::string> defaults_;
};

}  // namespace proxyd::http
