#include "vrrpd/io/route_set.h"

namespace vrrpd::io {

RouteSet::RouteSet(common::log::Logger& logger, NetlinkRoutes& netlink, const config::Instance& instance)
    : logger_(logger),
      netlink_(netlink),
      name_(instance.name),
      family_(instance.family()),
      routes_(instance.routes),
      rules_(instance.rules),
      route_added_(routes_.size(), false),
      rule_added_(rules_.size(), false) {}

void RouteSet::set() {
  if (!routes_.empty()) logger_.info("({}) setting Virtual Routes", name_);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto outcome = netlink_.add(routes_[i]);
    if (!outcome) {
      logger_.error("({}) cannot add {}", name_, outcome.error().describe());
    } else {
      route_added_[i] = *outcome == AddOutcome::Added;
    }
  }
  if (!rules_.empty()) logger_.info("({}) setting Virtual Rules", name_);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const auto outcome = netlink_.add(rules_[i], family_);
    if (!outcome) {
      logger_.error("({}) cannot add {}", name_, outcome.error().describe());
    } else {
      rule_added_[i] = *outcome == AddOutcome::Added;
    }
  }
}

void RouteSet::clear() {
  if (!rules_.empty()) logger_.info("({}) removing Virtual Rules", name_);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (!rule_added_[i]) continue;
    rule_added_[i] = false;
    if (const auto r = netlink_.remove(rules_[i], family_); !r) {
      logger_.error("({}) cannot remove {}", name_, r.error().describe());
    }
  }
  if (!routes_.empty()) logger_.info("({}) removing Virtual Routes", name_);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!route_added_[i]) continue;
    route_added_[i] = false;
    if (const auto r = netlink_.remove(routes_[i]); !r) {
      logger_.error("({}) cannot remove {}", name_, r.error().describe());
    }
  }
}

void RouteSet::clear_stale() {
  for (const auto& rule : rules_) {
    const auto r = netlink_.remove(rule, family_);
    if (r && *r == RemoveOutcome::Removed) {
      logger_.warning("({}) removed stale rule '{}' (left over from an earlier run)", name_, rule.text);
    }
  }
  for (const auto& route : routes_) {
    const auto r = netlink_.remove(route);
    if (r && *r == RemoveOutcome::Removed) {
      logger_.warning("({}) removed stale route '{}' (left over from an earlier run)", name_, route.text);
    }
  }
}

}  // namespace vrrpd::io
