// What both daemons do the same way around their core: command line, loading
// and checking the configuration file, building the logger, pidfile and the
// systemd notification protocol.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/core/cli.h"
#include "common/core/config/diagnostics.h"
#include "common/core/config/env_expand.h"
#include "common/core/config/ini_document.h"
#include "common/core/log/log_settings.h"
#include "common/core/log/logger.h"
#include "common/io/files.h"

namespace common::io {

// This process's environment variables (getenv), for config::expand_env.
config::EnvLookup process_environment();

// Prints every diagnostic to stderr, one per line.
void print_diagnostics(const config::Diagnostics& diagnostics);

// The logger a daemon runs with: its configured sink, plus stderr with -d
// (and then at debug level).
std::unique_ptr<log::Logger> make_logger(const log::LogSettings& settings, std::string_view program, bool debug);
// Several targets, each with its level filter (max_level); one line goes to
// every target whose filter lets it through.
std::unique_ptr<log::Logger> make_logger(std::span<const log::LogSettings> targets, std::string_view program,
                                         bool debug);

// sd_notify(3) when started by systemd (NOTIFY_SOCKET set); a no-op otherwise.
void notify_systemd(const std::string& state);

// Whether capability <cap> (CAP_NET_ADMIN, ...) is in this process's
// effective set, as /proc/self/status says; true when that cannot be read.
bool has_effective_capability(int cap);

}  // namespace common::io
