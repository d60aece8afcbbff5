#include "support/http_client.h"

#include <curl/curl.h>

#include <sstream>

#include "common/core/text.h"

namespace testing {
namespace {

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Keeps only the last response's header block (curl reports interim ones too).
std::size_t append_header(char* data, std::size_t size, std::size_t count, void* out) {
  auto& headers = *static_cast<std::string*>(out);
  const std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) headers.clear();
  headers += line;
  return size * count;
}

std::string find_header(const std::string& block, const std::string& name) {
  std::istringstream in(block);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    if (!common::text::iequals(line.substr(0, colon), name)) continue;
    auto value = std::string(common::text::trim(line.substr(colon + 1)));
    return value;
  }
  return {};
}

}  // namespace

std::string HttpReply::header(const std::string& name) const {
  return find_header(headers, name);
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), curl_(curl_easy_init()) {
  curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // in-memory jar
  curl_easy_setopt(curl_, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
}

HttpClient::~HttpClient() {
  curl_easy_cleanup(curl_);
}

HttpReply HttpClient::get(const std::string& url) {
  return perform(url, nullptr);
}

HttpReply HttpClient::post(const std::string& url, const std::string& body) {
  return perform(url, &body);
}

HttpReply HttpClient::perform(const std::string& url, const std::string* body) {
  HttpReply reply;
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, append_header);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &reply.headers);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_slist* headers = nullptr;
  for (const auto& h : options_.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  curl_slist* resolve = nullptr;
  for (const auto& r : options_.resolve) resolve = curl_slist_append(resolve, r.c_str());
  curl_easy_setopt(curl_, CURLOPT_RESOLVE, resolve);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl_, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.unix_socket.empty()) curl_easy_setopt(curl_, CURLOPT_UNIX_SOCKET_PATH, options_.unix_socket.c_str());
  if (options_.insecure) {
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (body) {
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  } else {
    curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
  }
  const auto code = curl_easy_perform(curl_);
  if (code != CURLE_OK) reply.error = curl_easy_strerror(code);
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_easy_getinfo(curl_, CURLINFO_NUM_CONNECTS, &reply.connects);
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl_, CURLOPT_RESOLVE, nullptr);
  curl_slist_free_all(headers);
  curl_slist_free_all(resolve);
  return reply;
}

std::vector<std::string> HttpClient::cookies() const {
  std::vector<std::string> out;
  curl_slist* list = nullptr;
  curl_easy_getinfo(curl_, CURLINFO_COOKIELIST, &list);
  for (auto* item = list; item; item = item->next) {
    // Netscape format: domain, flag, path, secure, expiry, name, value.
    std::istringstream fields(item->data);
    std::string field;
    std::vector<std::string> parts;
    while (std::getline(fields, field, '\t')) parts.push_back(field);
    if (parts.size() >= 7) out.push_back(parts[5] + "=" + parts[6]);
  }
  curl_slist_free_all(list);
  return out;
}

}  // namespace testing
