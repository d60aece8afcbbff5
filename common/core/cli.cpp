#include "common/core/cli.h"

#include <fmt/format.h>

namespace common::cli {

Result<DaemonOptions> parse_daemon_args(std::span<const std::string_view> args, std::string_view default_config,
                                        std::span<const ExtraOption> extra_options) {
  DaemonOptions options;
  options.config_file = std::string(default_config);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto arg = args[i];
    auto value = [&](std::string_view what) -> Result<std::string> {
      if (i + 1 >= args.size()) return fail("option {} needs {}", arg, what);
      return std::string(args[++i]);
    };
    if (arg == "-f" || arg == "--config") {
      auto v = value("a file");
      if (!v) return tl::unexpected(v.error());
      if (options.config_files.empty()) options.config_file = *v;
      options.config_files.push_back(*v);
    } else if (arg == "-p" || arg == "--pidfile") {
      auto v = value("a file");
      if (!v) return tl::unexpected(v.error());
      options.pidfile = *v;
    } else if (arg == "-c" || arg == "--check") {
      options.check_only = true;
    } else if (arg == "-d" || arg == "--debug") {
      options.debug = true;
    } else if (arg == "-V" || arg == "--version") {
      options.show_version = true;
    } else if (arg == "-h" || arg == "--help") {
      options.show_help = true;
    } else if (arg.starts_with("--")) {
      const auto name = arg.substr(2);
      const ExtraOption* known = nullptr;
      for (const auto& extra : extra_options) {
        if (extra.name == name) known = &extra;
      }
      if (known == nullptr) return fail("unknown option {}", arg);
      if (!known->takes_value) {
        options.extra[std::string(name)] = "";
        continue;
      }
      auto v = value("a value");
      if (!v) return tl::unexpected(v.error());
      options.extra[std::string(name)] = *v;
    } else if (arg.starts_with("-") && arg.size() > 1) {
      return fail("unknown option {}", arg);
    } else {
      for (; i < args.size(); ++i) options.command.emplace_back(args[i]);
    }
  }
  return options;
}

std::string usage(std::string_view program, std::string_view summary, std::string_view default_config,
                  std::span<const ExtraOption> extra_options, std::string_view commands_help) {
  std::string out = fmt::format(
      "Usage: {0} [options]{1}\n{2}\n\n"
      "Options:\n"
      "  -f, --config FILE    configuration file (default {3})\n"
      "  -c, --check          check the configuration, print every error, exit 0 (valid) or 1\n"
      "  -d, --debug          debug logging to stderr as well\n"
      "  -p, --pidfile FILE   pidfile (overrides the configuration)\n"
      "  -V, --version        print the version and exit\n"
      "  -h, --help           this help\n",
      program, commands_help.empty() ? "" : " [command ...]", summary, default_config);
  for (const auto& extra : extra_options) {
    out += fmt::format("  --{:<18} {}\n", extra.takes_value ? fmt::format("{} VALUE", extra.name) : extra.name,
                       extra.help);
  }
  if (!commands_help.empty()) out += fmt::format("\nCommands:\n{}", commands_help);
  return out;
}

}  // namespace common::cli
