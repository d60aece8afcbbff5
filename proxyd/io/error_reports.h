// Passive health's way from the data path to the health checker (observe,
// error_limit, on_error; core/health/observe.h). Workers judge each
// exchange with a server and count its consecutive errors in a relaxed
// atomic of its ServerLive (a success clears it); the worker whose error
// reaches error_limit clears the count and posts a report here, which wakes
// the control thread (an event, not a poll), where the health checker
// applies on_error. One per generation; the reports of a generation whose
// checker is gone are dropped.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "proxyd/core/health/observe.h"

namespace proxyd::io {

struct ServerLive;
struct ServerShared;

class ErrorReports {
 public:
  struct Report {
    std::shared_ptr<ServerLive> server;
    std::uint32_t errors = 0;
    health::Observation last = health::Observation::Layer4Error;
  };

  // Any thread.
  void post(Report report);
  // The control thread: <wake> is called (from any thread) when a report
  // arrives; an empty function stops the wake-ups and drops what is queued.
  void set_wake(std::function<void()> wake);
  std::vector<Report> take();

 private:
  std::mutex mutex_;
  std::vector<Report> reports_;
  std::function<void()> wake_;
};

// What a worker saw of <server>: counted when the server observes it, and
// reported to <reports> when it completes a run of error_limit errors.
void observe(ServerShared& server, ErrorReports& reports, health::Observation observation);

}  // namespace proxyd::io
