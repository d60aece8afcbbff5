#include "vrrpd/core/fsm/advert_lateness.h"

#include <fmt/format.h>

#include <algorithm>

namespace vrrpd::fsm {

bool advert_late(Micros lateness, Micros interval) {
  return lateness * 4 > interval;
}

bool AdvertLateness::record(Micros lateness, Micros interval) {
  ++adverts_;
  max_ = std::max(max_, lateness);
  const auto bucket = std::lower_bound(kBounds.begin(), kBounds.end(), lateness) - kBounds.begin();
  ++buckets_[static_cast<std::size_t>(bucket)];
  if (!advert_late(lateness, interval)) return false;
  ++late_;
  return true;
}

namespace {

std::string short_duration(Micros d) {
  if (d.count() % 1000 == 0) return fmt::format("{}ms", d.count() / 1000);
  return fmt::format("{}us", d.count());
}

}  // namespace

std::string AdvertLateness::bucket_name(std::size_t index) {
  if (index < kBounds.size()) return "le_" + short_duration(kBounds[index]);
  return "gt_" + short_duration(kBounds.back());
}

}  // namespace vrrpd::fsm
