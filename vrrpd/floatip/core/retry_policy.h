// When to try again: the time budget, exponential backoff with jitter and
// Retry-After. Pure; the random source is injected so tests can pin jitter.
#pragma once

#include <optional>
#include <string_view>

#include "common/core/time.h"
#include "vrrpd/floatip/core/environment.h"

namespace vrrpd::floatip {

// The first backoff and its ceiling: the pair's peer may be mid-assign, and a
// few seconds is what an assignment takes (FEATURES.md 4.2).
inline constexpr common::Duration kFirstBackoff{500};
inline constexpr common::Duration kMaxBackoff{8000};
// Below this much budget another request cannot usefully complete.
inline constexpr common::Duration kMinAttemptWindow{250};

// The total time one run may take, measured on the injected clock.
class Budget {
 public:
  Budget(common::TimePoint start, common::Duration total) : start_(start), total_(total) {}
  // Time left at <now>, never negative.
  common::Duration remaining(common::TimePoint now) const;
  common::Duration elapsed(common::TimePoint now) const;
  common::Duration total() const { return total_; }

 private:
  common::TimePoint start_;
  common::Duration total_;
};

// Exponential backoff: kFirstBackoff doubling up to kMaxBackoff, each delay
// drawn uniformly from [d/2, d] ("equal jitter") so the two nodes of a pair
// never retry in lockstep, yet always wait at least half.
class Backoff {
 public:
  // The next delay; advances the exponent.
  common::Duration next(RandomSource& random);
  // Back to kFirstBackoff after progress.
  void reset() { step_ = 0; }

 private:
  int step_ = 0;
};

// A backoff of <wanted> shortened to leave kMinAttemptWindow of <remaining>
// for the next attempt; nothing when not even a shortened wait fits.
std::optional<common::Duration> backoff_within(common::Duration wanted, common::Duration remaining);
// A wait the server mandates (Retry-After) fits only whole; nothing otherwise.
std::optional<common::Duration> mandated_within(common::Duration wanted, common::Duration remaining);
// Retry-After as delta-seconds ("1", "30"); nothing for HTTP-dates or junk
// (the caller then backs off instead).
std::optional<common::Duration> parse_retry_after(std::string_view value);
// "1.250s": elapsed times and waits in log lines.
std::string format_seconds(common::Duration d);

}  // namespace vrrpd::floatip
