// vrrpd's configuration file read: a keepalived.conf (by its content, or
// --format keepalived) through the keepalived.conf reader, with its include
// files found by glob(3) (wildcards and {a,b} braces, relative to the
// including file) and the node's config-id (--config-id, else the host name
// up to its first dot); otherwise vrrpd's INI.
#pragma once

#include <optional>

#include "common/core/cli.h"
#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"

namespace vrrpd::io {

// The document the loader takes; nullopt when the file cannot be read or
// --format is wrong (the reason is in <diagnostics>).
std::optional<common::config::IniDocument> config_document(const common::cli::DaemonOptions& options,
                                                           common::config::Diagnostics& diagnostics);

// Whether the file <options> names is read as a keepalived.conf.
bool is_keepalived_format(const common::cli::DaemonOptions& options, std::string_view text);

}  // namespace vrrpd::io
