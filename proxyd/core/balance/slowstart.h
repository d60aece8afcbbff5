// HAProxy's `slowstart`: a server that comes back (DOWN to UP, or out of
// maintenance) takes a share of new connections that grows linearly from
// almost nothing to its full weight over the slowstart period, so a cold
// cache or JIT is not flooded. Never at proxyd's start (HAProxy's rule:
// every server would crawl at once).
//
// Weights are integers (1..256): a weight-1 server cannot be ramped on that
// scale, so while a backend has a server with slowstart the balancer sees
// every weight multiplied by kWeightScale (HAProxy's BE_WEIGHT_SCALE), which
// leaves the proportions of the servers at full weight unchanged. Applies to
// the dynamic algorithms (roundrobin, leastconn, random); the static ones
// (static-rr, first, source, uri, hdr) take the weight as configured, as in
// HAProxy. Pure: the time since the server came back is passed in.
#pragma once

#include <cstdint>

#include "common/core/time.h"
#include "proxyd/core/config/proxy_config.h"

namespace proxyd::balance {

inline constexpr std::uint32_t kWeightScale = 16;

// Whether <balance> ramps weights (a dynamic algorithm).
bool ramps_weights(config::Balance balance);

// The scaled weight (0 .. weight * kWeightScale) of a server of <weight>
// that came back <elapsed> ago, with a slowstart of <period>: linear, at
// least 1 while <weight> > 0, full once <elapsed> >= <period>.
std::uint32_t slowstart_weight(std::uint32_t weight, common::Duration elapsed, common::Duration period);

// What the ramp is at, in percent of the full weight (stats, logs).
std::uint32_t slowstart_percent(common::Duration elapsed, common::Duration period);

}  // namespace proxyd::balance
