// The stats as CSV, HAProxy's `show stat` shape: a "# pxname,svname,..."
// header, then one line per frontend (svname FRONTEND), per server, and per
// backend (svname BACKEND, after its servers). The columns are those of
// HAProxy's list that proxyd has, in HAProxy's order, with HAProxy's
// meaning; a field that does not apply to a row is empty.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats {

// The column names, in order.
const std::vector<std::string_view>& csv_columns();

std::string render_csv(const StatsSnapshot& snapshot);

// <field> quoted for CSV when it holds a comma, quote or line break (RFC 4180).
std::string csv_escape(std::string_view field);

}  // namespace proxyd::stats
