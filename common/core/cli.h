// Command-line options shared by both daemons (HAProxy/keepalived habits):
//   -f FILE   configuration file          -c  check the configuration and exit
//   -d        debug: log to stderr too     -p  PIDFILE (overrides the config)
//   -V        version                      -h  help
// Words after the options are a subcommand (e.g. `vrrpd notify-test VI_1 MASTER`).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"

namespace common::cli {

struct DaemonOptions {
  std::string config_file;                // the first -f
  std::vector<std::string> config_files;  // every -f, in order (HAProxy's -f may repeat); empty: the default
  bool check_only = false;
  bool debug = false;
  std::optional<std::string> pidfile;
  bool show_version = false;
  bool show_help = false;
  std::map<std::string, std::string, std::less<>> extra;  // declared --name VALUE options (flags: "")
  std::vector<std::string> command;                       // subcommand words
};

struct ExtraOption {
  std::string_view name;  // "peer-config" for --peer-config FILE
  std::string_view help;
  bool takes_value = true;  // false: a flag (--convert)
};

// Parses argv[1..]; <extra_options> are daemon-specific --name VALUE options.
Result<DaemonOptions> parse_daemon_args(std::span<const std::string_view> args, std::string_view default_config,
                                        std::span<const ExtraOption> extra_options = {});

std::string usage(std::string_view program, std::string_view summary, std::string_view default_config,
                  std::span<const ExtraOption> extra_options = {}, std::string_view commands_help = {});

}  // namespace common::cli
