// A page a session on a worker asks the control thread to render: the stats
// page or the metrics served inside a proxy (`stats_uri`, `use-service
// prometheus-exporter`). The counters' history is control-thread state, so
// the page is rendered there and the answer comes back to the worker.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/io/event_loop.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/stats/stats_http.h"

namespace proxyd::io {

struct ServiceCall {
  stats::StatsRoute route;  // ServePage or ServeMetrics
  config::Stats page;       // the page's settings (uri, refresh, show_node …)
  // Called on the control thread with the status and the serialized response.
  std::function<void(int status, std::string response)> reply;
};

// Tasks for the control thread's loop from the workers: post() queues and
// wakes the loop, which runs them in order.
class LoopInbox {
 public:
  explicit LoopInbox(common::io::EventLoop& loop) : watcher_(loop, [this] { drain(); }) {}
  void post(std::function<void()> task) {  // thread-safe
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    watcher_.send();
  }

 private:
  void drain() {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(mutex_);
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) task();
  }

  std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;
  common::io::AsyncWatcher watcher_;
};

}  // namespace proxyd::io
