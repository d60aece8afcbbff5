#include "vrrpd/floatip/core/command_line.h"

#include <fmt/format.h>

#include <optional>

#include "common/core/address.h"
#include "common/core/config/value_parsers.h"

namespace vrrpd::floatip {
namespace {

// An http(s) base URL with a host, stripped of trailing slashes.
common::Result<std::string> parse_base_url(std::string_view option, std::string_view value) {
  std::string_view rest = value;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (rest.starts_with(scheme)) rest.remove_prefix(scheme.size());
  }
  if (rest.size() == value.size() || rest.empty() || rest.front() == '/') {
    return common::fail("{} needs an http:// or https:// URL with a host, not '{}'", option, value);
  }
  for (const char c : value) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return common::fail("{} URL contains blanks", option);
  }
  while (value.ends_with('/')) value.remove_suffix(1);
  return std::string(value);
}

common::Result<std::string> parse_ipv4(std::string_view value) {
  const auto ip = common::net::IpAddress::parse(value);
  // Reserved IPv6 addresses live under another endpoint (/v2/reserved_ipv6).
  if (!ip || !ip->is_v4()) return common::fail("--ip needs an IPv4 address, not '{}'", value);
  return ip->to_string();
}

common::Result<common::Duration> parse_budget(std::string_view value) {
  auto budget = common::config::parse_duration(value);
  if (!budget) return common::fail("--budget: {}", budget.error().message);
  if (*budget < kMinBudget || *budget > kMaxBudget) {
    return common::fail("--budget must be between {} and {}", common::format_duration(kMinBudget),
                        common::format_duration(kMaxBudget));
  }
  return *budget;
}

// Applies one `--name VALUE` option.
common::Status apply_option(Options& options, std::string_view name, std::string_view value) {
  if (name == "--ip") {
    auto ip = parse_ipv4(value);
    if (!ip) return tl::unexpected(ip.error());
    options.ip = *ip;
  } else if (name == "--token-file") {
    if (value.empty()) return common::fail("--token-file needs a path");
    options.token_file = std::string(value);
  } else if (name == "--api" || name == "--metadata") {
    auto url = parse_base_url(name, value);
    if (!url) return tl::unexpected(url.error());
    (name == "--api" ? options.api : options.metadata) = *url;
  } else {
    auto budget = parse_budget(value);
    if (!budget) return tl::unexpected(budget.error());
    options.budget = *budget;
  }
  return common::ok();
}

bool takes_value(std::string_view name) {
  return name == "--ip" || name == "--token-file" || name == "--api" || name == "--metadata" || name == "--budget";
}

common::Status set_command(Options& options, std::optional<Command>& command, std::string_view word) {
  if (command) return common::fail("unexpected argument '{}'", word);
  if (word == "assign") {
    command = Command::Assign;
  } else if (word == "status") {
    command = Command::Status;
  } else {
    return common::fail("unknown command '{}' (expected assign or status)", word);
  }
  options.command = *command;
  return common::ok();
}

// Handles args[i] (and its value), advancing <i> past what it consumed.
common::Status parse_one(std::span<const std::string_view> args, std::size_t& i, Options& options,
                         std::optional<Command>& command) {
  const auto arg = args[i];
  if (arg == "-v" || arg == "--verbose") {
    options.verbose = true;
  } else if (arg == "--token" || arg.starts_with("--token=")) {
    return common::fail("the token is read from --token-file (mode 0600), never from the command line");
  } else if (arg.starts_with("-")) {
    const auto eq = arg.find('=');
    const auto name = arg.substr(0, eq);
    if (!takes_value(name)) return common::fail("unknown option {}", name);
    if (eq != std::string_view::npos) return apply_option(options, name, arg.substr(eq + 1));
    if (i + 1 >= args.size()) return common::fail("option {} needs a value", name);
    return apply_option(options, name, args[++i]);
  } else {
    return set_command(options, command, arg);
  }
  return common::ok();
}

}  // namespace

common::Result<Options> parse_command_line(std::span<const std::string_view> args) {
  Options options;
  // Help wins wherever it appears, even next to mistakes.
  for (const auto arg : args) options.help = options.help || arg == "-h" || arg == "--help";
  if (options.help) return options;
  std::optional<Command> command;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (auto parsed = parse_one(args, i, options, command); !parsed) return tl::unexpected(parsed.error());
  }
  if (!command) return common::fail("missing command (assign or status)");
  if (options.ip.empty()) return common::fail("missing --ip");
  return options;
}

std::string usage_text() {
  return fmt::format(
      "Usage: floatip assign|status --ip IPV4 [options]\n"
      "Moves a DigitalOcean reserved (floating) IP to this droplet, or shows who holds it.\n\n"
      "Commands:\n"
      "  assign               assign the IP to this droplet (success at once if it already is)\n"
      "  status               print which droplet holds the IP\n\n"
      "Options:\n"
      "  --ip IPV4            the reserved IP (required)\n"
      "  --token-file FILE    API token, mode 0600 (default {})\n"
      "  --api URL            API base (default {})\n"
      "  --metadata URL       metadata service base (default {})\n"
      "  --budget DURATION    give up after this long, e.g. 30s, 2m (default {})\n"
      "  -v, --verbose        log to stderr as well as syslog\n"
      "  -h, --help           this text\n\n"
      "Exit codes: 0 assigned or already ours, 1 unexpected API response, 2 usage,\n"
      "3 authentication (401/403), 4 not found (404), 5 budget exhausted (busy,\n"
      "rate limited, 5xx, network), 6 assign action errored, 7 token file problem,\n"
      "8 metadata unreachable.\n",
      kDefaultTokenFile, kDefaultApi, kDefaultMetadata, common::format_duration(kDefaultBudget));
}

bool is_cleartext_remote(std::string_view base_url) {
  if (!base_url.starts_with("http://")) return false;
  base_url.remove_prefix(7);
  if (base_url.starts_with("[::1]")) return false;
  const auto host = base_url.substr(0, base_url.find_first_of(":/"));
  return host != "localhost" && !host.starts_with("127.");
}

}  // namespace vrrpd::floatip
