// `vrrpd -c -f mine.ini --peer-config theirs.ini`: can a failing tracker
// actually hand the VIP to the other node? With weighted trackers and
// preempt settings it often cannot: keepalived's most common "failover
// never happens" report. Pure arithmetic over both configurations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vrrpd/core/config/vrrp_config.h"

namespace vrrpd::track {

struct FailoverFinding {
  bool problem = false;
  std::string text;
};

// One finding per (instance present in both configs, tracker of that
// instance on either side): whether a failure of that tracker on the node
// holding MASTER moves mastership to the other node.
std::vector<FailoverFinding> check_failover(const config::VrrpConfig& mine, const config::VrrpConfig& theirs);

}  // namespace vrrpd::track
