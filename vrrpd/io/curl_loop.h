// A libcurl multi handle driven by the libev loop: transfers (track_http's
// polls, smtp_alert's mail) run without ever blocking the loop, and each
// ends with its callback.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <map>
#include <memory>

#include "common/io/event_loop.h"

namespace vrrpd::io {

class CurlLoop {
 public:
  // The transfer's result and, for HTTP, the response code.
  using Done = std::function<void(CURLcode result, long response_code)>;

  explicit CurlLoop(common::io::EventLoop& loop);
  ~CurlLoop();
  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  // Starts <easy> (the caller's, alive until <done> runs or cancel()).
  void start(CURL* easy, Done done);
  // Stops <easy> if it runs; its callback is not called.
  void cancel(CURL* easy);

 private:
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void action(curl_socket_t fd, int events);
  void collect();

  common::io::EventLoop& loop_;
  CURLM* multi_ = nullptr;
  std::map<CURL*, Done> running_;
  std::map<curl_socket_t, std::unique_ptr<common::io::IoWatcher>> sockets_;
  common::io::TimerWatcher timer_;
};

}  // namespace vrrpd::io
