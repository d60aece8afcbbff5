#include "vrrpd/io/http_tracker.h"

#include <fmt/format.h>

namespace vrrpd::io {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

}  // namespace

HttpTracker::HttpTracker(common::io::EventLoop& loop, common::log::Logger& logger, const config::Tracker& config,
                         Callback on_change)
    : logger_(logger),
      name_(config.name),
      spec_(std::get<config::TrackHttp>(config.spec)),
      on_change_(std::move(on_change)),
      state_(spec_.rise, spec_.fall),
      curl_(loop),
      interval_timer_(loop, [this] { poll(); }) {
  easy_ = curl_easy_init();
  curl_easy_setopt(easy_, CURLOPT_URL, spec_.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(spec_.timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(spec_.timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_NOPROXY, "*");  // a health check goes straight to its target
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &discard);
  curl_easy_setopt(easy_, CURLOPT_USERAGENT, "vrrpd-track-http");
  curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
}

HttpTracker::~HttpTracker() {
  curl_.cancel(easy_);
  curl_easy_cleanup(easy_);
}

void HttpTracker::start() {
  poll();
}

void HttpTracker::poll() {
  interval_timer_.start(spec_.interval);
  if (in_flight_) return;  // bounded by CURLOPT_TIMEOUT
  in_flight_ = true;
  curl_.start(easy_, [this](CURLcode result, long code) { done(result, code); });
}

void HttpTracker::done(CURLcode result, long code) {
  in_flight_ = false;
  if (result != CURLE_OK) {
    record(false, curl_easy_strerror(result));
  } else {
    record(code >= 200 && code < 300, fmt::format("HTTP {}", code));
  }
}

void HttpTracker::record(bool success, const std::string& detail) {
  const auto change = state_.record(success);
  if (!change) return;
  logger_.log(*change ? common::log::Level::Info : common::log::Level::Warning,
              fmt::format("Track http {}: {} ({} from {})", name_, *change ? "up" : "down", detail, spec_.url));
  on_change_(*change, detail);
}

}  // namespace vrrpd::io
