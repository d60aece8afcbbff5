// The stats as one JSON document (the page's ;json variant): the same data
// as the HTML and CSV, nested process / frontends / backends / servers.
#pragma once

#include <string>

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats {

std::string render_json(const StatsSnapshot& snapshot);

}  // namespace proxyd::stats
