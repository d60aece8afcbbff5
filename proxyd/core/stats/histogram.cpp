#include "proxyd/core/stats/histogram.h"

namespace proxyd::stats {

void Histogram::observe(common::Duration value) {
  for (std::size_t i = 0; i < kBoundsMs.size(); ++i) {
    if (value.count() <= kBoundsMs[i]) {
      ++buckets_[i];
      break;
    }
  }
  ++count_;
  sum_ += value;
}

std::uint64_t Histogram::cumulative(std::size_t bucket) const {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bucket && i < buckets_.size(); ++i) total += buckets_[i];
  return total;
}

}  // namespace proxyd::stats
