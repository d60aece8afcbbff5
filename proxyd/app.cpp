#include "proxyd/app.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "common/io/daemon.h"
#include "common/io/event_loop.h"
#include "common/io/pidfile.h"
#include "proxyd/core/config/proxy_config.h"
#include "version.h"

namespace proxyd {
namespace {

using common::config::Diagnostics;
using config::ProxyConfig;

std::optional<ProxyConfig> load(const std::string& path, Diagnostics& diagnostics) {
  return common::io::load_config_file<ProxyConfig>(path, config::load_proxy_config, diagnostics);
}

class App {
 public:
  App(ProxyConfig config, const common::cli::DaemonOptions& options)
      : options_(options),
        config_(std::move(config)),
        logger_(common::io::make_logger(config_.global.log, "proxyd", options.debug)),
        sigterm_(loop_, SIGTERM, [this](int) { stop("SIGTERM"); }),
        sigint_(loop_, SIGINT, [this](int) { stop("SIGINT"); }),
        sighup_(loop_, SIGHUP, [this](int) { reload(); }) {}

  int run() {
    const auto pidfile_path = options_.pidfile.value_or(config_.global.pidfile);
    auto pidfile = common::io::Pidfile::create(pidfile_path);
    if (!pidfile) {
      logger_->error("cannot start: {}", pidfile.error().describe());
      return 1;
    }
    ::signal(SIGPIPE, SIG_IGN);
    logger_->notice("proxyd {} started (pid {}, {} frontend(s), {} backend(s))", HAPAIR_VERSION, ::getpid(),
                    config_.frontends.size(), config_.backends.size());
    common::io::notify_systemd("READY=1");
    loop_.run();
    logger_->notice("proxyd stopped");
    return 0;
  }

 private:
  void stop(const char* why) {
    logger_->notice("{} received, stopping", why);
    common::io::notify_systemd("STOPPING=1");
    loop_.break_loop();
  }

  void reload() {
    common::io::notify_systemd("RELOADING=1");
    Diagnostics diagnostics;
    auto next = load(options_.config_file, diagnostics);
    for (const auto& d : diagnostics.all()) logger_->warning("reload: {}", d.to_string());
    if (!next) {
      logger_->error("reload of {} refused: {} error(s); the running configuration is unchanged", options_.config_file,
                     diagnostics.error_count());
    } else {
      config_ = std::move(*next);
      logger_->notice("configuration reloaded from {}", options_.config_file);
    }
    common::io::notify_systemd("READY=1");
  }

  common::cli::DaemonOptions options_;
  ProxyConfig config_;
  std::unique_ptr<common::log::Logger> logger_;
  common::io::EventLoop loop_;
  common::io::SignalWatcher sigterm_;
  common::io::SignalWatcher sigint_;
  common::io::SignalWatcher sighup_;
};

}  // namespace

int run(std::span<const std::string_view> args) {
  auto options = common::cli::parse_daemon_args(args, kDefaultConfig);
  if (!options) {
    std::fprintf(stderr, "proxyd: %s (try -h)\n", options.error().message.c_str());
    return 2;
  }
  if (options->show_help) {
    std::fputs(common::cli::usage("proxyd", "TCP/HTTP reverse proxy and load balancer", kDefaultConfig).c_str(),
               stdout);
    return 0;
  }
  if (options->show_version) {
    std::printf("proxyd %s\n", HAPAIR_VERSION);
    return 0;
  }
  Diagnostics diagnostics;
  auto config = load(options->config_file, diagnostics);
  common::io::print_diagnostics(diagnostics);
  if (!config) {
    std::fprintf(stderr, "%s: %zu error(s), configuration refused\n", options->config_file.c_str(),
                 diagnostics.error_count());
    return 1;
  }
  if (options->check_only) {
    std::printf("Configuration file is valid\n");
    return 0;
  }
  App app(std::move(*config), *options);
  return app.run();
}

}  // namespace proxyd
