#include "proxyd/io/error_reports.h"

#include <algorithm>

#include "proxyd/io/generation.h"

namespace proxyd::io {

void ErrorReports::post(Report report) {
  // Woken under the lock: set_wake({}) (the checker going away) waits for a
  // post in progress, so no wake reaches a destroyed watcher.
  std::lock_guard lock(mutex_);
  if (!wake_) return;
  reports_.push_back(std::move(report));
  wake_();
}

void ErrorReports::set_wake(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
  if (!wake_) reports_.clear();
}

std::vector<ErrorReports::Report> ErrorReports::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(reports_, {});
}

void observe(ServerShared& server, ErrorReports& reports, health::Observation observation) {
  const auto& config = server.config;
  if (!health::observes(config.observe, observation)) return;
  auto& errors = server.live->observed_errors;
  if (!health::is_error(observation)) {
    if (errors.load(std::memory_order_relaxed) != 0) errors.store(0, std::memory_order_relaxed);
    return;
  }
  const auto limit = std::max<std::uint32_t>(config.error_limit, 1);
  if (errors.fetch_add(1, std::memory_order_relaxed) + 1 < limit) return;
  // The run is complete: whoever clears it reports it, once.
  const auto run = errors.exchange(0, std::memory_order_relaxed);
  if (run == 0) return;
  reports.post({server.live, std::max(run, limit), observation});
}

}  // namespace proxyd::io
