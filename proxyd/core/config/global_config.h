// The process-wide sections of proxyd.conf: [global] (user, maxconn, log
// targets, admin sockets), [stats] (the statistics listener),
// [userlist NAME] (global_config.cpp) and [resolvers NAME]
// (resolvers_config.cpp). Each is a key table like the proxy sections'.
#pragma once

#include "common/core/config/config_table.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/sample/library.h"

namespace proxyd::config {

common::config::KeyTable<Global> global_keys();
common::config::KeyTable<Stats> stats_keys();
// stats_enable, stats_uri, stats_auth …: the stats page inside a proxy.
common::config::KeyTable<ProxySettings> proxy_stats_keys();

// Every `log` target, with log_facility (unless its line names one) and
// log_tag; none: syslog. <global>.log is the first.
void finish_log_targets(Global& global);

// Reads [userlist NAME] <s> into <lib>.userlists.
void load_userlist(const common::config::IniDocument& doc, const common::config::IniSection& s, sample::Library& lib,
                   common::config::Diagnostics& diagnostics);

// The stats listener: distinct paths, no address shared with a frontend, and
// a warning when anyone beyond this host can read (or act on) it unchallenged.
void validate_stats(const common::config::IniDocument& doc, const ProxyConfig& config,
                    common::config::Diagnostics& diagnostics);

// Reads [resolvers NAME] <s> into <config>.resolvers.
void load_resolvers(const common::config::IniDocument& doc, const common::config::IniSection& s, ProxyConfig& config,
                    common::config::Diagnostics& diagnostics);

// Every server's resolvers=NAME names a [resolvers NAME] section.
void validate_server_names(const common::config::IniDocument& doc, const ProxyConfig& config,
                           common::config::Diagnostics& diagnostics);

}  // namespace proxyd::config
