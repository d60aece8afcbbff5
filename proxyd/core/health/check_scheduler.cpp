#include "proxyd/core/health/check_scheduler.h"

#include <algorithm>
#include <cassert>

namespace proxyd::health {

common::TimePoint first_check_time(common::TimePoint start, common::Duration interval, std::size_t index,
                                   std::size_t count) {
  if (count == 0 || interval.count() <= 0) return start;
  // Multiply first: interval * index / count spreads evenly even when count
  // exceeds the interval in ms. 64-bit: ms intervals times server counts fit.
  const auto spread =
      interval.count() * static_cast<common::Duration::rep>(index) / static_cast<common::Duration::rep>(count);
  return start + common::Duration(spread);
}

CheckScheduler::CheckScheduler(std::size_t servers, common::Duration interval, common::TimePoint start)
    : interval_(std::max(interval, kMinCheckInterval)) {
  next_.reserve(servers);
  for (std::size_t i = 0; i < servers; ++i) next_.push_back(first_check_time(start, interval_, i, servers));
}

CheckScheduler::CheckScheduler(const std::vector<common::Duration>& intervals, common::TimePoint start)
    : interval_(intervals.empty() ? kMinCheckInterval : std::max(intervals.front(), kMinCheckInterval)) {
  next_.reserve(intervals.size());
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    next_.push_back(first_check_time(start, std::max(intervals[i], kMinCheckInterval), i, intervals.size()));
  }
}

std::optional<common::TimePoint> CheckScheduler::next_check(std::size_t server) const {
  assert(server < next_.size());
  return next_[server];
}

std::optional<common::TimePoint> CheckScheduler::next_wakeup() const {
  std::optional<common::TimePoint> earliest;
  for (const auto& next : next_) {
    if (next && (!earliest || *next < *earliest)) earliest = next;
  }
  return earliest;
}

std::vector<std::size_t> CheckScheduler::take_due(common::TimePoint now) {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < next_.size(); ++i) {
    if (next_[i] && *next_[i] <= now) {
      due.push_back(i);
      next_[i].reset();
    }
  }
  return due;
}

void CheckScheduler::completed(std::size_t server, common::TimePoint now) {
  assert(server < next_.size());
  next_[server] = now + interval_;
}

void CheckScheduler::completed(std::size_t server, common::TimePoint now, common::Duration interval) {
  assert(server < next_.size());
  next_[server] = now + std::max(interval, kMinCheckInterval);
}

common::Duration next_check_interval(const HealthCheck& state, const CheckIntervals& intervals) {
  if (state.is_up()) return state.consecutive_failures() > 0 ? intervals.fastinter : intervals.inter;
  return state.consecutive_successes() > 0 ? intervals.fastinter : intervals.downinter;
}

void CheckScheduler::hurry(std::size_t server, common::TimePoint at) {
  auto& next = next_.at(server);
  if (next && *next > at) next = at;
}

}  // namespace proxyd::health
