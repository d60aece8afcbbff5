// floatip: move a DigitalOcean reserved (floating) IP to this droplet, from
// a keepalived/vrrpd notify_master script. See README.md for exit codes.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/log/log_settings.h"
#include "common/io/daemon.h"
#include "vrrpd/floatip/core/assign.h"
#include "vrrpd/floatip/core/command_line.h"
#include "vrrpd/floatip/core/outcome.h"
#include "vrrpd/floatip/core/status.h"
#include "vrrpd/floatip/io/curl_http_client.h"
#include "vrrpd/floatip/io/system_environment.h"
#include "vrrpd/floatip/io/token_file.h"

namespace {

using namespace vrrpd::floatip;

constexpr int kDaemonFacility = 3;  // LOG_DAEMON >> 3, where notify scripts log

int to_int(ExitCode code) {
  return static_cast<int>(code);
}

// Syslog always (notify scripts run unattended); stderr too with -v or at a terminal.
std::unique_ptr<common::log::Logger> make_logger(bool verbose) {
  common::log::LogSettings settings;
  settings.target = common::log::LogSettings::Target::Syslog;
  settings.facility = kDaemonFacility;
  settings.tag = "floatip";
  return common::io::make_logger(settings, "floatip", verbose || ::isatty(STDERR_FILENO) == 1);
}

// The one-line result: stdout on success, stderr on failure.
int report(Outcome outcome, const std::string& line) {
  const auto code = exit_code(outcome);
  std::fprintf(code == ExitCode::Ok ? stdout : stderr, "%s%s\n", code == ExitCode::Ok ? "" : "floatip: ", line.c_str());
  return to_int(code);
}

int run(const Options& options) {
  auto logger = make_logger(options.verbose);
  auto token = io::read_token_file(options.token_file);
  if (!token) {
    logger->error("{}", token.error().describe());
    std::fprintf(stderr, "floatip: %s\n", token.error().describe().c_str());
    return to_int(ExitCode::TokenFile);
  }
  if (is_cleartext_remote(options.api)) {
    logger->warning("--api {} is plain http: the token crosses the network unencrypted", options.api);
  }
  auto http = io::CurlHttpClient::create();
  if (!http) {
    logger->error("{}", http.error().describe());
    return report(Outcome::UnexpectedResponse, http.error().describe());
  }
  io::MonotonicClock clock;
  io::ThreadSleeper sleeper;
  io::SystemRandom random;
  Environment env{**http, clock, sleeper, random, *logger};
  const Target target{options.ip, options.api, options.metadata, std::move(*token)};
  if (options.command == Command::Assign) {
    const auto result = assign_ip(env, target, options.budget);
    return report(result.outcome, result.detail);
  }
  const auto result = query_status(env, target, options.budget);
  logger->info("{}", result.detail);
  return report(result.outcome, result.detail);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  const auto options = parse_command_line(args);
  if (!options) {
    std::fprintf(stderr, "floatip: %s\nTry 'floatip -h'.\n", options.error().describe().c_str());
    return to_int(ExitCode::Usage);
  }
  if (options->help) {
    std::fputs(usage_text().c_str(), stdout);
    return to_int(ExitCode::Ok);
  }
  return run(*options);
}
