// vrrpd's one-shot commands beside running: loading a file (INI or
// keepalived.conf), -c's checks of the host and of the peer's file,
// --convert, and notify-test.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/cli.h"
#include "common/core/config/diagnostics.h"
#include "vrrpd/core/config/vrrp_config.h"

namespace vrrpd {

// The file <path> (vrrpd's INI or a keepalived.conf, as <options> say) as the model.
std::optional<config::VrrpConfig> load(const common::cli::DaemonOptions& options, const std::string& path,
                                       common::config::Diagnostics& diagnostics);
// Checks of -c that need the machine, not just the file.
void check_environment(const config::VrrpConfig& config, common::config::Diagnostics& diagnostics);
// -c --peer-config: can each tracker's failure actually move the VIP?
bool check_peer(const config::VrrpConfig& mine, const common::cli::DaemonOptions& options,
                const std::string& peer_path);
// --convert: the file (keepalived.conf) as vrrpd's INI on stdout.
int convert(const common::cli::DaemonOptions& options);
// vrrpd genkey [ID]: a new auth_hmac key line on stdout (config/auth_keys.h).
int genkey(const std::vector<std::string>& words);
// vrrpd notify-test VI_1 MASTER: what the transition would run, run now.
int notify_test(const config::VrrpConfig& config, const std::vector<std::string>& words);

}  // namespace vrrpd
