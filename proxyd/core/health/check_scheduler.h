// When each server of a backend is checked next. The first checks are spread
// evenly over one interval (server i of n at start + interval * i / n), so n
// servers do not all connect at once after a start or a reload; after that,
// each server's next check is one interval after its previous one completed
// (HAProxy's rule: a slow check delays the next rather than overlapping it).
//
// A server whose check is running has no next time until completed() is
// called. Slots are indices chosen by the caller (one per checked server).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "common/core/time.h"
#include "proxyd/core/health/health_check.h"

namespace proxyd::health {

// Shortest interval honoured; 0 (or less) in the constructor means this.
inline constexpr common::Duration kMinCheckInterval{1};

// When server <index> of <count> is first checked: start + interval * index / count.
common::TimePoint first_check_time(common::TimePoint start, common::Duration interval, std::size_t index,
                                   std::size_t count);

class CheckScheduler {
 public:
  // <servers> slots, checked every <interval>, the first round spread from <start>.
  CheckScheduler(std::size_t servers, common::Duration interval, common::TimePoint start);
  // One slot per interval (each server's `inter`), each spread over its own.
  CheckScheduler(const std::vector<common::Duration>& intervals, common::TimePoint start);

  // When <server> is due, nullopt while its check is running.
  std::optional<common::TimePoint> next_check(std::size_t server) const;

  // The earliest next check of all (the timer to arm); nullopt when every
  // check is running or there are no servers.
  std::optional<common::TimePoint> next_wakeup() const;

  // The servers due at <now>, in slot order; they are marked running.
  std::vector<std::size_t> take_due(common::TimePoint now);

  // The check of <server> finished at <now>: the next is due one interval later.
  void completed(std::size_t server, common::TimePoint now);
  // ... or <interval> later (next_check_interval: inter, fastinter, downinter).
  void completed(std::size_t server, common::TimePoint now, common::Duration interval);

  // <server>'s next check no later than <at> (passive health's fastinter);
  // nothing while its check runs.
  void hurry(std::size_t server, common::TimePoint at);

  common::Duration interval() const { return interval_; }

 private:
  common::Duration interval_;
  std::vector<std::optional<common::TimePoint>> next_;  // nullopt = running
};

// HAProxy's three check intervals of a server: `inter` while UP and
// steady, `fastinter` while a state change is under way (UP with failures,
// DOWN with successes), `downinter` while DOWN and steady.
struct CheckIntervals {
  common::Duration inter{2000};
  common::Duration fastinter{2000};
  common::Duration downinter{2000};
};

// The interval before <state>'s next check.
common::Duration next_check_interval(const HealthCheck& state, const CheckIntervals& intervals);

}  // namespace proxyd::health
