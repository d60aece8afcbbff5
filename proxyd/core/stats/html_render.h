// The stats page: process information, then one table per frontend and per
// backend (a row per server and a Backend totals row), HAProxy's layout.
// Server-side rendered, self-contained (inline CSS, no script, no external
// asset), and readable on a phone: tables scroll sideways in their box.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats {

struct HtmlOptions {
  std::string uri = "/stats";               // where the page and its forms live
  std::optional<common::Duration> refresh;  // <meta refresh>; nullopt = none
  bool admin = false;                       // per-server ready/drain/maint forms
  std::string csrf_token;                   // hidden field of those forms
  std::string notice;                       // banner text (the last action's outcome)
  bool hide_version = false;                // stats_hide_version
  std::string node;                         // stats_show_node: shown in the title; empty = none
  bool show_legends = false;                // stats_show_legends
};

std::string render_html(const StatsSnapshot& snapshot, const HtmlOptions& options);

// <text> with & < > " ' as character references.
std::string html_escape(std::string_view text);

}  // namespace proxyd::stats
