// The configuration files named on the command line, read: HAProxy's -f may
// repeat and may name a directory (its *.cfg files in lexical order). The
// format (haproxy.cfg or proxyd's INI) is --format's, or the first file's
// by its content.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/cli.h"
#include "common/core/config/diagnostics.h"
#include "common/core/config/ini_document.h"
#include "proxyd/core/haproxy_cfg/reader.h"

namespace proxyd::io {

enum class ConfigFormat { Ini, Haproxy };

struct ConfigSources {
  ConfigFormat format = ConfigFormat::Ini;
  std::vector<haproxy_cfg::SourceFile> files;
};

// Every file of <options>; a file that cannot be read, a bad --format or
// several INI files are errors in <diagnostics>.
std::optional<ConfigSources> read_config_sources(const common::cli::DaemonOptions& options,
                                                 common::config::Diagnostics& diagnostics);

// The document the loader takes: haproxy.cfg files through the reader (with
// this process's environment), an INI file parsed, its "$VAR"s expanded.
common::config::IniDocument config_document(const ConfigSources& sources, common::config::Diagnostics& diagnostics);

}  // namespace proxyd::io
