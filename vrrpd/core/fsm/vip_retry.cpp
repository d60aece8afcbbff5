#include "vrrpd/core/fsm/vip_retry.h"

#include <algorithm>

namespace vrrpd::fsm {

common::Duration VipRetry::failed(common::TimePoint now) {
  if (held_since_ && now - *held_since_ >= ceiling_) failures_ = 0;
  held_since_.reset();
  auto delay = first_;
  for (int i = 0; i < failures_ && delay < ceiling_; ++i) delay *= 2;
  ++failures_;
  return std::min(delay, ceiling_);
}

void VipRetry::held(common::TimePoint now) {
  if (!held_since_) held_since_ = now;
}

}  // namespace vrrpd::fsm
