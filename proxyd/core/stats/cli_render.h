// The runtime API's text answers built from a snapshot: `show info`,
// `show servers state` and `show sess` (`show stat` is render_csv).
#pragma once

#include <string>
#include <string_view>

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats {

// "Name: value" lines, HAProxy's names where one exists (Pid, Uptime_sec,
// Nbthread, Maxconn, CurrConns).
std::string render_info(const StatsSnapshot& snapshot);

// A version line ("1"), a "# column ..." header, then one line per server of
// <backend> (every backend when empty), blank-separated:
//   be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state
//   srv_uweight srv_iweight srv_time_since_last_change srv_check_status
//   srv_check_health srv_port
// srv_op_state is HAProxy's (0 stopped, 2 running) and so is
// srv_admin_state (0 ready, 1 maintenance, 8 drain); srv_check_status is
// the short check status ("L4OK"), or "-" when none.
std::string render_servers_state(const StatsSnapshot& snapshot, std::string_view backend);

// Session counts by worker thread, frontend, backend and server.
std::string render_sessions(const StatsSnapshot& snapshot);

}  // namespace proxyd::stats
