// The stats in Prometheus' text exposition format (version 0.0.4): one
// family per metric with its HELP and TYPE lines, base units (seconds,
// bytes), counters suffixed _total. Families:
//   proxyd_process_*, proxyd_build_info
//   proxyd_frontend_*{proxy}
//   proxyd_backend_*{proxy}
//   proxyd_server_*{proxy,server}; proxyd_server_status{state} is 1 for the
//   current state (UP, DOWN, DRAIN, MAINT) and 0 for the others;
//   proxyd_server_check_duration_seconds is a histogram.
#pragma once

#include <string>
#include <string_view>

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const StatsSnapshot& snapshot);

// <value> escaped for a label value: backslash, double quote and newline.
std::string prometheus_label_escape(std::string_view value);

}  // namespace proxyd::stats
