// One host name's resolution, as HAProxy's resolvers keep it: when the next
// query goes out, which records are in effect, and for how long the last
// valid answer outlives failures. Pure: the adapter sends the queries
// (c-ares) and reports each answer here with the time.
//
//   * After a valid answer the name is asked again hold_valid later (never
//     sooner than timeout_resolve); after a failure, timeout_retry later.
//   * A query unanswered after timeout_retry goes again at once, up to
//     resolve_retries queries; only then is the outcome a timeout.
//   * A failure (NXDOMAIN, REFUSED, timeout, anything else) keeps the
//     records of the last valid answer until hold_<status> has passed since
//     that answer; then failed() reports the status and the servers using
//     the name go to maintenance ("DNS NX status" ...).
//   * A record missing from a valid answer stays in effect hold_obsolete
//     (0 by default: it goes at once), so one answer that leaves out a
//     replica does not reshuffle server_template slots.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/address.h"
#include "common/core/time.h"

namespace proxyd::dns {

enum class Outcome { Valid, NxDomain, Refused, Timeout, Other };

// HAProxy's words for the status that ended a name's records, in its log
// lines ("DNS NX status"; Valid: an answer without address, "No IP for server").
std::string_view describe(Outcome outcome);

// One address of an answer; SRV records bring a port and a weight.
struct Record {
  common::net::IpAddress address;
  std::uint16_t port = 0;    // 0: the server line's port
  std::uint16_t weight = 0;  // SRV weight; 0: none given
  friend bool operator==(const Record&, const Record&) = default;
};

struct Answer {
  Outcome outcome = Outcome::Valid;
  std::vector<Record> records;  // with Valid; an empty list is "no IP for server"
};

// A [resolvers] section's timings (HAProxy's defaults).
struct Timings {
  common::Duration hold_valid{10'000};
  common::Duration hold_nx{30'000};
  common::Duration hold_refused{30'000};
  common::Duration hold_timeout{30'000};
  common::Duration hold_other{30'000};
  common::Duration hold_obsolete{0};
  common::Duration timeout_resolve{1'000};
  common::Duration timeout_retry{1'000};
  std::uint32_t resolve_retries = 3;
};

class Resolution {
 public:
  // The first query is due at <now>. <known> are records already in effect
  // (init_addr found them), valid as if answered at <now>.
  Resolution(Timings timings, common::TimePoint now, std::vector<Record> known = {});

  // When the next query is due; nullopt while one is in flight.
  std::optional<common::TimePoint> next_query() const;
  void sent();
  void answered(const Answer& answer, common::TimePoint now);

  // The records in effect at <now> (empty once a failure outlived its hold).
  std::vector<Record> records(common::TimePoint now) const;
  // The status that ended the records at <now>, if any: a failure held
  // longer than its hold, or a valid answer without a usable record.
  std::optional<Outcome> failed(common::TimePoint now) const;
  // The last answer's status (nullopt before the first).
  std::optional<Outcome> last_outcome() const { return last_outcome_; }
  std::uint64_t answers() const { return answers_; }
  std::uint64_t failures() const { return failures_; }

 private:
  struct Seen {
    Record record;
    common::TimePoint last_seen;
  };
  common::Duration hold_of(Outcome outcome) const;

  Timings timings_;
  std::vector<Seen> seen_;
  std::optional<common::TimePoint> last_valid_;
  std::optional<Outcome> last_outcome_;
  std::optional<common::TimePoint> next_;
  std::uint32_t unanswered_ = 0;  // timeouts in a row of this resolution
  std::uint64_t answers_ = 0;
  std::uint64_t failures_ = 0;
};

}  // namespace proxyd::dns
