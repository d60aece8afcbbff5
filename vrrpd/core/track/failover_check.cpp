#include "vrrpd/core/track/failover_check.h"

#include <fmt/format.h>

#include "vrrpd/core/track/effective_priority.h"

namespace vrrpd::track {
namespace {

std::vector<TrackerInput> inputs(const config::VrrpConfig& config, const config::Instance& in,
                                 const std::string& failing) {
  std::vector<TrackerInput> out;
  for (const auto& name : in.track) {
    if (const auto* t = config.find_tracker(name)) out.push_back({name, t->weight, name != failing});
  }
  return out;
}

// The finding for tracker <failing> failing on <a> while <b> is healthy.
FailoverFinding judge(const config::VrrpConfig& ca, const config::Instance& a, const config::VrrpConfig& cb,
                      const config::Instance& b, const std::string& failing, std::string_view side) {
  const auto healthy_a = effective_priority(a.priority, inputs(ca, a, ""));
  const auto healthy_b = effective_priority(b.priority, inputs(cb, b, ""));
  const auto failed_a = effective_priority(a.priority, inputs(ca, a, failing));
  const std::string what = fmt::format("instance {}: tracker '{}' failing on {}", a.name, failing, side);
  if (!failed_a.faults.empty()) {
    return {false, fmt::format("{}: FAULT (weight 0), the peer takes over", what)};
  }
  if (healthy_a.priority < healthy_b.priority) {
    return {false, fmt::format("{}: that node is not the preferred master ({} < {})", what, healthy_a.priority,
                               healthy_b.priority)};
  }
  if (failed_a.priority > healthy_b.priority || (failed_a.priority == healthy_b.priority && !b.preempt)) {
    return {true, fmt::format("{}: priority becomes {}, peer has {}: failover never happens (needs a weight "
                              "making it lower than {})",
                              what, failed_a.priority, healthy_b.priority, healthy_b.priority)};
  }
  if (!b.preempt) {
    return {true, fmt::format("{}: priority {} < peer's {}, but the peer has preempt = false: a running master is "
                              "never displaced by priority alone",
                              what, failed_a.priority, healthy_b.priority)};
  }
  return {false,
          fmt::format("{}: priority {} < peer's {}: the peer preempts", what, failed_a.priority, healthy_b.priority)};
}

}  // namespace

std::vector<FailoverFinding> check_failover(const config::VrrpConfig& mine, const config::VrrpConfig& theirs) {
  std::vector<FailoverFinding> out;
  for (const auto& a : mine.instances) {
    const auto* b = theirs.find_instance(a.name);
    if (b == nullptr) {
      out.push_back({true, fmt::format("instance {}: not in the peer configuration", a.name)});
      continue;
    }
    if (a.vrid != b->vrid || a.version != b->version || a.advert_interval != b->advert_interval) {
      out.push_back({true, fmt::format("instance {}: virtual_router_id/version/advert_int differ between the nodes "
                                       "({}/{}/{} vs {}/{}/{}): they will not see each other's adverts",
                                       a.name, a.vrid, a.version, common::format_duration(a.advert_interval), b->vrid,
                                       b->version, common::format_duration(b->advert_interval))});
    }
    if (a.priority == b->priority) {
      out.push_back({true, fmt::format("instance {}: both nodes have priority {}: the higher address wins, keep "
                                       "priorities distinct",
                                       a.name, a.priority)});
    }
    for (const auto& name : a.track) out.push_back(judge(mine, a, theirs, *b, name, "this node"));
    for (const auto& name : b->track) out.push_back(judge(theirs, *b, mine, a, name, "the peer"));
  }
  return out;
}

}  // namespace vrrpd::track
