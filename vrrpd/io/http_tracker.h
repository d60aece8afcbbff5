// track_http: polls a URL (proxyd's /healthz) every interval through a
// libcurl multi handle driven by the libev loop: the loop never blocks on
// a slow or dead server. A 2xx answer within the timeout is a success;
// rise/fall consecutive results change the state.
#pragma once

#include <curl/curl.h>

#include <map>
#include <memory>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "vrrpd/core/config/track_config.h"
#include "vrrpd/core/track/check_state.h"
#include "vrrpd/io/tracker.h"

namespace vrrpd::io {

class HttpTracker final : public Tracker {
 public:
  HttpTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
              Callback on_change);
  ~HttpTracker() override;
  void start() override;
  bool ok() const override { return state_.ok(); }

 private:
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socket_data);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  void poll();
  void action(curl_socket_t fd, int events);
  void collect();
  void record(bool success, const std::string& detail);

  common::io::EventLoop& loop_;
  common::log::Logger& logger_;
  std::string name_;
  config::TrackHttp spec_;
  Callback on_change_;
  track::CheckState state_;
  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  bool in_flight_ = false;
  std::string last_detail_;
  std::map<curl_socket_t, std::unique_ptr<common::io::IoWatcher>> sockets_;
  common::io::TimerWatcher curl_timer_;
  common::io::TimerWatcher interval_timer_;
};

}  // namespace vrrpd::io
