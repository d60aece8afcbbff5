// libcurl as the HTTP client of integration tests: one easy handle per
// client, so consecutive requests reuse its connection (keep-alive) as a
// browser would, with an in-memory cookie jar.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace testing {

struct HttpReply {
  long status = 0;
  std::string headers;  // raw, every header line of the final response
  std::string body;
  long connects = 0;  // new connections curl opened for this request
  std::string error;  // curl's message when the transfer failed

  bool ok() const { return error.empty(); }
  // The value of header <name> (case-insensitive); empty if absent.
  std::string header(const std::string& name) const;
};

struct HttpOptions {
  std::vector<std::string> headers = {};  // "Name: value"
  std::vector<std::string> resolve = {};  // CURLOPT_RESOLVE entries "host:port:addr"
  std::string ca_file = {};               // verify the server with this CA (TLS)
  bool insecure = false;                  // do not verify (TLS)
  std::string unix_socket = {};           // connect to this Unix socket path (the URL names the host)
  std::chrono::milliseconds timeout{5000};
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpReply get(const std::string& url);
  HttpReply post(const std::string& url, const std::string& body);
  // Cookies set so far ("name=value" lines from the jar).
  std::vector<std::string> cookies() const;

 private:
  HttpReply perform(const std::string& url, const std::string* body);

  HttpOptions options_;
  void* curl_ = nullptr;
};

}  // namespace testing
