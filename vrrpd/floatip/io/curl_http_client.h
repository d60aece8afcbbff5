// HttpClient over libcurl's easy interface. Blocking is right for a CLI that
// sends one request at a time; each request carries its own timeouts, which
// the core has already bounded by the remaining budget.
#pragma once

#include <curl/curl.h>

#include <memory>

#include "common/core/result.h"
#include "vrrpd/floatip/core/http_client.h"

namespace vrrpd::floatip::io {

class CurlHttpClient final : public HttpClient {
  struct Key {};  // only create() can construct (it pairs global init and cleanup)

 public:
  // Initialises libcurl (libcurl counts init/cleanup pairs itself).
  static common::Result<std::unique_ptr<CurlHttpClient>> create();
  CurlHttpClient(Key, CURL* easy) : easy_(easy) {}
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  // TLS peer and host verification on, no redirects, http/https only, and
  // loopback and the link-local metadata address never go through a proxy.
  common::Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  struct EasyCleanup {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
  };
  std::unique_ptr<CURL, EasyCleanup> easy_;
};

}  // namespace vrrpd::floatip::io
