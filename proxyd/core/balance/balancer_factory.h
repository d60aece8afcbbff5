// Builds the strategy named by a backend's `balance` key.
#pragma once

#include <memory>

#include "proxyd/core/balance/balancer.h"
#include "proxyd/core/config/proxy_config.h"

namespace proxyd::balance {

// A fresh balancer (no history) for <algorithm>; <hash_type> is how `uri`
// and `hdr` map their keys to servers (`source` is always consistent).
std::unique_ptr<Balancer> make_balancer(config::Balance algorithm, config::HashType hash_type = config::HashType::Map);

}  // namespace proxyd::balance
