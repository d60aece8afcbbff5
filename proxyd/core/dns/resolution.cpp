#include "proxyd/core/dns/resolution.h"

#include <algorithm>

namespace proxyd::dns {

std::string_view describe(Outcome outcome) {
  switch (outcome) {
    case Outcome::Valid:
      return "No IP for server";  // a valid answer without a usable address
    case Outcome::NxDomain:
      return "DNS NX status";
    case Outcome::Refused:
      return "DNS refused status";
    case Outcome::Timeout:
      return "DNS timeout status";
    case Outcome::Other:
      break;
  }
  return "unspecified DNS error";
}

Resolution::Resolution(Timings timings, common::TimePoint now, std::vector<Record> known)
    : timings_(timings), next_(now) {
  for (auto& r : known) seen_.push_back({std::move(r), now});
  if (!seen_.empty()) last_valid_ = now;
}

std::optional<common::TimePoint> Resolution::next_query() const {
  return next_;
}

void Resolution::sent() {
  next_.reset();
}

common::Duration Resolution::hold_of(Outcome outcome) const {
  switch (outcome) {
    case Outcome::Valid:
      return timings_.hold_valid;
    case Outcome::NxDomain:
      return timings_.hold_nx;
    case Outcome::Refused:
      return timings_.hold_refused;
    case Outcome::Timeout:
      return timings_.hold_timeout;
    case Outcome::Other:
      break;
  }
  return timings_.hold_other;
}

void Resolution::answered(const Answer& answer, common::TimePoint now) {
  if (answer.outcome == Outcome::Timeout && ++unanswered_ < timings_.resolve_retries) {
    next_ = now;  // the query timed out: ask again before calling it a timeout
    return;
  }
  unanswered_ = 0;
  ++answers_;
  last_outcome_ = answer.outcome;
  if (answer.outcome != Outcome::Valid) {
    ++failures_;
    next_ = now + timings_.timeout_retry;
    return;
  }
  last_valid_ = now;
  for (const auto& r : answer.records) {
    auto it = std::find_if(seen_.begin(), seen_.end(), [&](const Seen& s) { return s.record == r; });
    if (it == seen_.end()) {
      seen_.push_back({r, now});
    } else {
      it->last_seen = now;
    }
  }
  std::erase_if(seen_,
                [&](const Seen& s) { return s.last_seen != now && now - s.last_seen >= timings_.hold_obsolete; });
  next_ = now + std::max(timings_.hold_valid, timings_.timeout_resolve);
}

std::optional<Outcome> Resolution::failed(common::TimePoint now) const {
  if (!last_outcome_) return std::nullopt;
  if (*last_outcome_ == Outcome::Valid) {
    if (seen_.empty()) return Outcome::Valid;  // answered, but no address
    return std::nullopt;
  }
  if (last_valid_ && now - *last_valid_ < hold_of(*last_outcome_)) return std::nullopt;
  return last_outcome_;
}

std::vector<Record> Resolution::records(common::TimePoint now) const {
  std::vector<Record> out;
  if (failed(now)) return out;
  for (const auto& s : seen_) out.push_back(s.record);
  return out;
}

}  // namespace proxyd::dns
