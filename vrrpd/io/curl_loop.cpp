#include "vrrpd/io/curl_loop.h"

namespace vrrpd::io {

CurlLoop::CurlLoop(common::io::EventLoop& loop)
    : loop_(loop), timer_(loop, [this] { action(CURL_SOCKET_TIMEOUT, 0); }) {
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlLoop::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlLoop::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlLoop::~CurlLoop() {
  for (const auto& [easy, done] : running_) curl_multi_remove_handle(multi_, easy);
  running_.clear();
  sockets_.clear();
  curl_multi_cleanup(multi_);
}

void CurlLoop::start(CURL* easy, Done done) {
  if (running_.contains(easy)) return;
  running_[easy] = std::move(done);
  curl_multi_add_handle(multi_, easy);
}

void CurlLoop::cancel(CURL* easy) {
  if (running_.erase(easy) > 0) curl_multi_remove_handle(multi_, easy);
}

int CurlLoop::on_socket(CURL*, curl_socket_t fd, int what, void* self_ptr, void*) {
  auto* self = static_cast<CurlLoop*>(self_ptr);
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

int CurlLoop::on_timer(CURLM*, long timeout_ms, void* self_ptr) {
  auto* self = static_cast<CurlLoop*>(self_ptr);
  if (timeout_ms < 0) {
    self->timer_.stop();
  } else {
    self->timer_.start(std::chrono::milliseconds(timeout_ms));
  }
  return 0;
}

void CurlLoop::action(curl_socket_t fd, int events) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, events, &running);
  collect();
}

void CurlLoop::collect() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode result = msg->data.result;
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    curl_multi_remove_handle(multi_, easy);
    auto it = running_.find(easy);
    if (it == running_.end()) continue;
    auto done = std::move(it->second);
    running_.erase(it);
    done(result, code);  // may start the handle again
  }
}

}  // namespace vrrpd::io
