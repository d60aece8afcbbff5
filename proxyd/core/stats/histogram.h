// A fixed-bucket histogram of durations (health check times), with
// Prometheus' cumulative "le" semantics: bucket i counts the observations at
// most bounds[i]; the implicit last bucket (+Inf) counts them all.
#pragma once

#include <array>
#include <cstdint>

#include "common/core/time.h"

namespace proxyd::stats {

class Histogram {
 public:
  // Upper bounds, milliseconds: 1ms to 10s, roughly 1-2.5-5 per decade.
  static constexpr std::array<std::int64_t, 13> kBoundsMs{1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

  void observe(common::Duration value);

  // Observations at most kBoundsMs[i] (cumulative), for i < kBoundsMs.size().
  std::uint64_t cumulative(std::size_t bucket) const;
  std::uint64_t count() const { return count_; }
  common::Duration sum() const { return sum_; }

 private:
  std::array<std::uint64_t, kBoundsMs.size()> buckets_{};  // not cumulative
  std::uint64_t count_ = 0;
  common::Duration sum_{0};
};

}  // namespace proxyd::stats
