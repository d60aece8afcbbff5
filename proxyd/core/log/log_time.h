// Wall-clock dates for access logs, formatted without the C library's time
// zone machinery: the adapter reads the clock and the local UTC offset once
// (that is I/O) and the core only does calendar arithmetic.
#pragma once

#include <chrono>
#include <string>

namespace proxyd::log {

struct WallClockTime {
  std::chrono::sys_time<std::chrono::milliseconds> utc{};  // since the Unix epoch, UTC
  std::chrono::minutes utc_offset{0};                      // local time minus UTC at that moment (+60 for CET)
};

// HAProxy's %t: the local date with milliseconds, "21/Nov/2026:07:59:01.629".
std::string format_accept_date(const WallClockTime& time);

// Appends format_accept_date(<time>) to <out>.
void append_accept_date(const WallClockTime& time, std::string& out);

}  // namespace proxyd::log
