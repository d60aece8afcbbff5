// The one HTTP exchange the floatip core needs, as an interface: libcurl in
// production (io/curl_http_client.h), canned responses in unit tests. The
// core never sees a socket, so every retry path runs under a manual clock.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "common/core/time.h"

namespace vrrpd::floatip {

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string url;     // absolute: base + path
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent when not empty
  common::Duration connect_timeout{0};
  common::Duration timeout{0};  // the whole exchange; always > 0
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string, std::less<>> headers;  // names lower-cased; the last value wins
  std::string body;

  // The value of header <lower_name>, or "" when absent.
  std::string_view header(std::string_view lower_name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Performs <request>. Any HTTP status is a response; an Error means the
  // exchange itself failed (DNS, connect, TLS, timeout, reset).
  virtual common::Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace vrrpd::floatip
