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
    : loop_(loop),
      logger_(logger),
      name_(config.name),
      spec_(std::get<config::TrackHttp>(config.spec)),
      on_change_(std::move(on_change)),
      state_(spec_.rise, spec_.fall),
      curl_timer_(loop, [this] { action(CURL_SOCKET_TIMEOUT, 0); }),
      interval_timer_(loop, [this] { poll(); }) {
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpTracker::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpTracker::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
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
  if (in_flight_) curl_multi_remove_handle(multi_, easy_);
  curl_easy_cleanup(easy_);
  sockets_.clear();
  curl_multi_cleanup(multi_);
}

void HttpTracker::start() {
  poll();
}

void HttpTracker::poll() {
  interval_timer_.start(spec_.interval);
  if (in_flight_) return;  // bounded by CURLOPT_TIMEOUT
  in_flight_ = true;
  curl_multi_add_handle(multi_, easy_);
}

int HttpTracker::on_socket(CURL*, curl_socket_t fd, int what, void* self_ptr, void*) {
  auto* self = static_cast<HttpTracker*>(self_ptr);
  if (what == CURL_POLL_REMOVE) {
    self->sockets_.erase(fd);
    return 0;
  }
  auto& watcher = self->sockets_[fd];
  if (!watcher) {
    watcher = std::make_unique<common::io::IoWatcher>(self->loop_, [self, fd](int revents) {
      self->action(fd, ((revents & EV_READ) ? CURL_CSELECT_IN : 0) | ((revents & EV_WRITE) ? CURL_CSELECT_OUT : 0));
    });
  }
  const int events = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);
  watcher->update(fd, events);
  return 0;
}

int HttpTracker::on_timer(CURLM*, long timeout_ms, void* self_ptr) {
  auto* self = static_cast<HttpTracker*>(self_ptr);
  if (timeout_ms < 0) {
    self->curl_timer_.stop();
  } else {
    self->curl_timer_.start(std::chrono::milliseconds(timeout_ms));
  }
  return 0;
}

void HttpTracker::action(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  collect();
}

void HttpTracker::collect() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    long code = 0;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
    const CURLcode result = msg->data.result;
    curl_multi_remove_handle(multi_, easy_);
    in_flight_ = false;
    if (result != CURLE_OK) {
      record(false, curl_easy_strerror(result));
    } else {
      record(code >= 200 && code < 300, fmt::format("HTTP {}", code));
    }
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
