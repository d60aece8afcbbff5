#include "vrrpd/floatip/io/curl_http_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "common/core/text.h"

namespace vrrpd::floatip::io {
namespace {

// DO API bodies are a few kilobytes; anything far larger is not the API.
constexpr std::size_t kMaxBody = 1 << 20;
constexpr const char* kUserAgent = "hapair-floatip/1";
// Link-local metadata must never be proxied; loopback is where tests run.
constexpr const char* kNoProxy = "127.0.0.1,localhost,::1,169.254.169.254";

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistFree>;

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const std::size_t n = size * count;
  if (response->body.size() + n > kMaxBody) return 0;  // curl aborts with CURLE_WRITE_ERROR
  response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  // A new status line (after a 1xx) starts a new header block.
  if (line.starts_with("HTTP/")) response->headers.clear();
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(common::text::trim(line.substr(0, colon)));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  response->headers[name] = std::string(common::text::trim(line.substr(colon + 1)));
  return n;
}

common::Result<HeaderList> build_headers(const HttpRequest& request) {
  // An empty Expect: keeps curl from waiting for 100-continue on POSTs.
  HeaderList list(curl_slist_append(nullptr, "Expect:"));
  if (!list) return common::fail("out of memory for request headers");
  for (const auto& [name, value] : request.headers) {
    const std::string line = fmt::format("{}: {}", name, value);
    // Appending to a non-empty list keeps its head; NULL means no memory.
    if (curl_slist_append(list.get(), line.c_str()) == nullptr)
      return common::fail("out of memory for request headers");
  }
  return list;
}

// At least 1 ms: 0 means "no timeout" to libcurl.
long timeout_ms(common::Duration d) {
  return static_cast<long>(std::max<common::Duration::rep>(1, d.count()));
}

void set_method(CURL* easy, const HttpRequest& request) {
  if (request.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method != "POST") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  curl_easy_setopt(easy, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
}

void set_transport(CURL* easy, const HttpRequest& request) {
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_NOPROXY, kNoProxy);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms(request.timeout));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms(request.connect_timeout));
}

}  // namespace

common::Result<std::unique_ptr<CurlHttpClient>> CurlHttpClient::create() {
  if (const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    return common::fail("cannot initialise libcurl: {}", curl_easy_strerror(rc));
  }
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    curl_global_cleanup();
    return common::fail("cannot initialise libcurl: curl_easy_init failed");
  }
  return std::make_unique<CurlHttpClient>(Key{}, easy);
}

CurlHttpClient::~CurlHttpClient() {
  easy_.reset();
  curl_global_cleanup();
}

common::Result<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
  CURL* easy = easy_.get();
  curl_easy_reset(easy);  // keeps the connection cache, drops the last request's options
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {};
  const auto headers = build_headers(request);
  if (!headers) return tl::unexpected(headers.error());
  set_transport(easy, request);
  set_method(easy, request);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers->get());
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &response);
  const CURLcode rc = curl_easy_perform(easy);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, nullptr);  // <error> dies with this frame
  if (rc != CURLE_OK) {
    return common::fail("{}{}{}", curl_easy_strerror(rc), error[0] != '\0' ? ": " : "", error);
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace vrrpd::floatip::io
