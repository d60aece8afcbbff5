// track_http: polls a URL (proxyd's /healthz) every interval through a
// libcurl multi handle driven by the libev loop: the loop never blocks on
// a slow or dead server. A 2xx answer within the timeout is a success;
// rise/fall consecutive results change the state.
#pragma once

#include <curl/curl.h>

#include "common/core/log/logger.h"
#include "common/io/event_loop.h"
#include "vrrpd/core/config/track_config.h"
#include "vrrpd/core/track/check_state.h"
#include "vrrpd/io/curl_loop.h"
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
  void poll();
  void done(CURLcode result, long code);
  void record(bool success, const std::string& detail);

  common::log::Logger& logger_;
  std::string name_;
  config::TrackHttp spec_;
  Callback on_change_;
  track::CheckState state_;
  CurlLoop curl_;
  CURL* easy_ = nullptr;
  bool in_flight_ = false;
  common::io::TimerWatcher interval_timer_;
};

}  // namespace vrrpd::io
