// When a master that could not hold its VIPs tries again. A VIP that cannot
// be added (a netlink error: EPERM without CAP_NET_ADMIN, ENODEV, ...) or
// that someone removed while we were master puts the instance in FAULT; this
// policy says when to clear that fault so the instance rejoins the election
// (as BACKUP) and, if it wins, tries to add the VIPs again.
//
// Pure: failures and successes with their time in, the next delay out.
// Delays double from <first> up to <ceiling>; holding the VIPs for
// <ceiling> without a failure forgives the past ones.
#pragma once

#include <optional>

#include "common/core/time.h"

namespace vrrpd::fsm {

class VipRetry {
 public:
  explicit VipRetry(common::Duration first = common::Duration(1000), common::Duration ceiling = common::Duration(30000))
      : first_(first), ceiling_(ceiling) {}

  // The VIPs could not be held at <now>: how long to stay in FAULT.
  common::Duration failed(common::TimePoint now);
  // Every VIP was added at <now>.
  void held(common::TimePoint now);
  // Failures since the VIPs were last held long enough (0 after a success).
  int consecutive_failures() const { return failures_; }

 private:
  common::Duration first_;
  common::Duration ceiling_;
  int failures_ = 0;
  std::optional<common::TimePoint> held_since_;
};

}  // namespace vrrpd::fsm
