#include "proxyd/app.h"

#include <cap-ng.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "common/core/text.h"
#include "common/io/accounts.h"
#include "common/io/daemon.h"
#include "common/io/event_loop.h"
#include "common/io/pidfile.h"
#include "proxyd/core/config/proxy_config.h"
#include "proxyd/core/limits/file_limit.h"
#include "proxyd/io/admin_client.h"
#include "proxyd/io/admin_service.h"
#include "proxyd/io/admin_socket.h"
#include "proxyd/io/agent_checker.h"
#include "proxyd/io/config_sources.h"
#include "proxyd/io/generation.h"
#include "proxyd/io/health_checker.h"
#include "proxyd/io/init_addr.h"
#include "proxyd/io/listen_socket.h"
#include "proxyd/io/server_resolver.h"
#include "proxyd/io/service_call.h"
#include "proxyd/io/stats_collector.h"
#include "proxyd/io/stats_server.h"
#include "proxyd/io/worker.h"
#include "version.h"

namespace proxyd {
namespace {

using common::config::Diagnostics;
using config::ProxyConfig;
using Endpoint = common::net::Endpoint;

// The configuration of <options>' files: proxyd's INI or haproxy.cfg, one
// loader for both (io/config_sources.h).
std::optional<ProxyConfig> load(const common::cli::DaemonOptions& options, Diagnostics& diagnostics) {
  const auto sources = io::read_config_sources(options, diagnostics);
  if (!sources) return std::nullopt;
  auto config = config::load_proxy_config(io::config_document(*sources, diagnostics), diagnostics);
  if (diagnostics.has_errors()) return std::nullopt;
  return config;
}

std::map<Endpoint, std::string> frontend_of(const ProxyConfig& config) {
  std::map<Endpoint, std::string> out;
  for (const auto& f : config.frontends) {
    for (const auto& b : f.binds) out[b.address] = f.name;
  }
  return out;
}

// The mode and owner a unix@ bind at <address> asks for.
config::UnixSocketFile unix_file_of(const ProxyConfig& config, const Endpoint& address) {
  for (const auto& f : config.frontends) {
    for (const auto& b : f.binds) {
      if (b.address == address) return b.unix_file;
    }
  }
  return {};
}

std::size_t thread_count(const ProxyConfig& config) {
  if (config.global.threads != 0) return config.global.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

// RLIMIT_NOFILE's soft limit raised to what the configuration needs (at
// start and on a reload that needs more), up to the hard limit.
void raise_file_limit(common::log::Logger& logger, const ProxyConfig& config) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const auto plan = limits::plan_file_limit(limit.rlim_cur, limit.rlim_max, limits::descriptors_needed(config));
  if (plan.soft != limit.rlim_cur) {
    const auto before = limit.rlim_cur;
    limit.rlim_cur = plan.soft;
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) {
      logger.info("raised the open file limit from {} to {} (maxconn {})", before, plan.soft, config.global.maxconn);
    }
  }
  if (plan.short_of_needed) {
    logger.warning("open file limit {} is below what maxconn {} needs ({}); raise LimitNOFILE", limit.rlim_max,
                   config.global.maxconn, plan.needed);
  }
}

// Drops to the configured user and group, keeping only the capability to
// bind privileged ports (a reload may add a listener on port 80).
common::Status drop_privileges(const config::Global& global) {
  if (!global.user && !global.group) return {};
  if (::geteuid() != 0) return common::fail("user/group set but proxyd is not started as root");
  auto account = common::io::lookup_user(global.user.value_or("root"));
  if (!account) return tl::unexpected(account.error());
  gid_t gid = account->gid;
  if (global.group) {
    auto g = common::io::lookup_group(*global.group);
    if (!g) return tl::unexpected(g.error());
    gid = *g;
  }
  capng_clear(CAPNG_SELECT_BOTH);
  capng_update(CAPNG_ADD, static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED), CAP_NET_BIND_SERVICE);
  if (capng_change_id(static_cast<int>(account->uid), static_cast<int>(gid),
                      static_cast<capng_flags_t>(CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING)) != 0) {
    return common::fail("cannot switch to user {} (uid {}) and gid {}", account->name, account->uid, gid);
  }
  return {};
}

class App {
 public:
  App(ProxyConfig config, const common::cli::DaemonOptions& options)
      : options_(options),
        logger_(common::io::make_logger(std::span(config.global.logs), "proxyd", options.debug)),
        threads_(thread_count(config)),
        generation_(std::make_shared<io::Generation>(std::move(config), threads_)),
        sigterm_(loop_, SIGTERM, [this](int) { graceful_stop(); }),
        sigint_(loop_, SIGINT, [this](int) { stop_now("SIGINT"); }),
        sighup_(loop_, SIGHUP, [this](int) { reload(); }),
        drain_timer_(loop_, [this] { check_drained(); }),
        hard_stop_timer_(loop_, [this] { hard_stop(); }) {
    process_.maxconn = generation_->config.global.maxconn;
  }

  int run() {
    ::signal(SIGPIPE, SIG_IGN);
    if (const auto errors = load_files(*generation_); !errors.empty()) {
      for (const auto& e : errors) logger_->error("cannot start: {}", e);
      return 1;
    }
    raise_file_limit(*logger_, generation_->config);
    auto sockets = open_sockets(frontend_of(generation_->config), generation_->config);
    if (!sockets) {
      logger_->error("cannot start: {}", sockets.error().describe());
      return 1;
    }
    auto pidfile = common::io::Pidfile::create(options_.pidfile.value_or(generation_->config.global.pidfile));
    if (!pidfile) {
      logger_->error("cannot start: {}", pidfile.error().describe());
      return 1;
    }
    if (auto started = start_management(); !started) {
      logger_->error("cannot start: {}", started.error().describe());
      return 1;
    }
    if (auto dropped = drop_privileges(generation_->config.global); !dropped) {
      logger_->error("cannot start: {}", dropped.error().describe());
      return 1;
    }
    start_workers(std::move(*sockets));
    start_control();
    logger_->notice("proxyd {} started (pid {}, {} thread(s), {} frontend(s), {} backend(s))", HAPAIR_VERSION,
                    ::getpid(), threads_, generation_->frontends.size(), generation_->backends.size());
    common::io::notify_systemd("READY=1");
    loop_.run();
    for (auto& w : workers_) w->post([](io::Worker& self) { self.stop_loop(); });
    for (auto& w : workers_) w->join();
    resolver_.reset();
    checker_.reset();
    agents_.reset();
    stats_.reset();
    admin_socket_.reset();
    admin_tcp_.clear();
    workers_.clear();
    logger_->notice("proxyd stopped");
    return 0;
  }

 private:
  using SocketsByWorker = std::vector<std::map<Endpoint, common::io::UniqueFd>>;

  // One SO_REUSEPORT socket per worker for each address in <wanted>; one
  // Unix socket that the workers share (a duplicate each).
  common::Result<SocketsByWorker> open_sockets(const std::map<Endpoint, std::string>& wanted,
                                               const ProxyConfig& config) {
    SocketsByWorker out(threads_);
    for (const auto& [address, frontend] : wanted) {
      for (auto& per_worker : out) {
        auto fd = address.is_unix() && &per_worker != &out.front()
                      ? io::duplicate_socket(out.front().at(address), address)
                      : io::open_listen_socket(address, unix_file_of(config, address));
        if (!fd) return common::fail("frontend {}: {}", frontend, fd.error().describe());
        per_worker[address] = std::move(*fd);
      }
    }
    return out;
  }

  // What a generation reads beyond the configuration: files (maps,
  // certificates, errorfiles), then the first address of each server named
  // by host (init_addr). <next> has inherited what carries over.
  static std::vector<std::string> load_files(io::Generation& next) {
    auto errors = io::load_generation_files(next);
    if (!errors.empty()) return errors;
    return io::init_server_addresses(next);
  }

  // The control thread's per-generation parts: health checks and DNS.
  void start_control() {
    const auto shut_down = [this](std::shared_ptr<io::ServerLive> live) {
      for (auto& w : workers_) w->post([live](io::Worker& self) { self.shut_down_sessions(live.get()); });
    };
    checker_ = std::make_unique<io::HealthChecker>(loop_, *logger_, generation_, shut_down);
    resolver_ = std::make_unique<io::ServerResolver>(loop_, *logger_, generation_, [this] { broadcast_slots_freed(); });
    agents_ = std::make_unique<io::AgentChecker>(
        loop_, *logger_, generation_,
        [this](const stats::AdminCommand& command) { return admin_ ? admin_->execute(command, "agent") : ""; },
        [this] { broadcast_slots_freed(); }, shut_down);
    if (auto saved = io::save_server_state(*generation_); !saved) {
      logger_->warning("server_state_file: {}", saved.error().describe());
    }
  }

  void start_workers(SocketsByWorker sockets) {
    const auto frontends = frontend_of(generation_->config);
    for (std::size_t i = 0; i < threads_; ++i) {
      workers_.push_back(std::make_unique<io::Worker>(
          static_cast<int>(i), io::WorkerContext{process_, *logger_, [this] { broadcast_slots_freed(); },
                                                 [this](io::ServiceCall call) { serve(std::move(call)); }}));
    }
    for (std::size_t i = 0; i < threads_; ++i) {
      auto update =
          std::make_shared<io::ListenerUpdate>(io::ListenerUpdate{generation_, std::move(sockets[i]), frontends});
      workers_[i]->post([update](io::Worker& w) { w.apply(std::move(*update)); });
      workers_[i]->start_thread(
          config::cpus_for_thread(generation_->config.global.cpu_maps, static_cast<std::uint32_t>(i)));
    }
  }

  // The stats listener and the admin socket, bound before privileges drop.
  common::Status start_management() {
    admin_ = std::make_unique<io::AdminService>(
        *logger_, generation_,
        io::AdminService::Hooks{[this] { return snapshot(); }, [this] { broadcast_slots_freed(); },
                                [this] { return resolver_ ? resolver_->describe() : std::string(); }});
    stats_ = std::make_unique<io::StatsServer>(
        loop_, *logger_, [this] { return snapshot(); }, *admin_);
    if (auto configured = stats_->configure(generation_->config.stats); !configured) return configured;
    for (const auto& listener : generation_->config.global.admin_tcp) {
      auto tcp = io::AdminSocket::open_tcp(loop_, *logger_, listener, *admin_);
      if (!tcp) return tl::unexpected(tcp.error());
      admin_tcp_.push_back(std::move(*tcp));
    }
    if (!generation_->config.global.admin_socket) return {};
    auto socket = io::AdminSocket::open(loop_, *logger_, generation_->config.global, *admin_);
    if (!socket) return tl::unexpected(socket.error());
    admin_socket_ = std::move(*socket);
    return {};
  }

  stats::StatsSnapshot snapshot() const {
    io::ProcessState state{HAPAIR_VERSION,
                           ::getpid(),
                           started_,
                           started_at_,
                           static_cast<std::uint32_t>(threads_),
                           process_.maxconn,
                           process_.connections.load(std::memory_order_relaxed),
                           stopping_,
                           {}};
    for (const auto& w : workers_) state.worker_sessions.push_back(w->session_count());
    return io::collect_stats(*generation_, state, loop_.now());
  }

  // A session's stats page or metrics, rendered here (the control thread
  // owns the counters' history); the reply goes back to its worker.
  void serve(io::ServiceCall call) {
    control_inbox_.post([this, call = std::make_shared<io::ServiceCall>(std::move(call))] {
      const auto response = stats_ ? stats_->answer(call->route, call->page) : http::text_response(503, "stopping");
      call->reply(response.status, http::serialize(response));
    });
  }

  void broadcast_slots_freed() {
    for (auto& w : workers_) w->notify_slots_freed();
  }

  void reload() {
    if (stopping_) return;
    common::io::notify_systemd("RELOADING=1");
    Diagnostics diagnostics;
    auto next_config = load(options_, diagnostics);
    for (const auto& d : diagnostics.all()) logger_->warning("reload: {}", d.to_string());
    if (!next_config) {
      logger_->error("reload of {} refused: {} error(s); the running configuration is unchanged", options_.config_file,
                     diagnostics.error_count());
      common::io::notify_systemd("READY=1");
      return;
    }
    if (thread_count(*next_config) != threads_) {
      logger_->warning("reload: a new thread count takes effect at restart only; keeping {}", threads_);
    }
    // Certificates and errorfiles are read now: a bad one refuses the reload.
    auto next = std::make_shared<io::Generation>(std::move(*next_config), threads_);
    next->inherit(*generation_);  // before init_addr: servers whose line did not change keep their address
    if (const auto errors = load_files(*next); !errors.empty()) {
      for (const auto& e : errors) logger_->error("reload: {}", e);
      logger_->error("reload of {} refused: {} error(s); the running configuration is unchanged", options_.config_file,
                     errors.size());
      common::io::notify_systemd("READY=1");
      return;
    }
    const auto wanted = frontend_of(next->config);
    const auto current = frontend_of(generation_->config);
    std::map<Endpoint, std::string> added;
    for (const auto& [address, frontend] : wanted) {
      if (!current.contains(address)) added[address] = frontend;
    }
    auto sockets = open_sockets(added, next->config);
    if (!sockets) {
      logger_->error("reload of {} refused: {}; the running configuration is unchanged", options_.config_file,
                     sockets.error().describe());
      common::io::notify_systemd("READY=1");
      return;
    }
    if (auto configured = stats_->configure(next->config.stats); !configured) {
      logger_->error("reload of {} refused: {}; the running configuration is unchanged", options_.config_file,
                     configured.error().describe());
      common::io::notify_systemd("READY=1");
      return;
    }
    warn_admin_socket_change(next->config.global);
    next->id = generation_->id + 1;
    process_.maxconn = next->config.global.maxconn;
    raise_file_limit(*logger_, next->config);
    for (std::size_t i = 0; i < threads_; ++i) {
      auto update = std::make_shared<io::ListenerUpdate>(io::ListenerUpdate{next, std::move((*sockets)[i]), wanted});
      workers_[i]->post([update](io::Worker& w) { w.apply(std::move(*update)); });
    }
    std::size_t removed = 0;
    for (const auto& [address, frontend] : current) removed += wanted.contains(address) ? 0u : 1u;
    resolver_.reset();
    checker_.reset();
    agents_.reset();
    generation_ = next;
    start_control();
    admin_->set_generation(generation_);
    logger_->notice("configuration reloaded from {} (generation {}): {} listener(s) kept, {} added, {} removed",
                    options_.config_file, generation_->id, wanted.size() - added.size(), added.size(), removed);
    common::io::notify_systemd("READY=1");
  }

  void warn_admin_socket_change(const config::Global& next) {
    const auto& now = generation_->config.global;
    if (next.admin_socket != now.admin_socket || next.admin_socket_mode != now.admin_socket_mode ||
        next.admin_socket_level != now.admin_socket_level || next.admin_tcp != now.admin_tcp ||
        next.admin_socket_user != now.admin_socket_user || next.admin_socket_group != now.admin_socket_group) {
      logger_->warning("reload: admin_socket changes take effect at restart only");
    }
  }

  // SIGTERM: stop accepting, let sessions finish (at most hard_stop_after).
  void graceful_stop() {
    if (stopping_) return;
    stopping_ = true;
    logger_->notice("SIGTERM received: closing listeners, waiting for {} session(s) (at most {})", sessions(),
                    common::format_duration(generation_->config.global.hard_stop_after));
    common::io::notify_systemd("STOPPING=1");
    for (auto& w : workers_) {
      w->post([](io::Worker& self) {
        self.close_listeners();
        self.drain_sessions();
      });
    }
    checker_.reset();
    agents_.reset();
    drain_timer_.start(std::chrono::milliseconds(50), std::chrono::milliseconds(50));
    hard_stop_timer_.start(generation_->config.global.hard_stop_after);
  }

  void check_drained() {
    if (sessions() == 0) loop_.break_loop();
  }

  void hard_stop() {
    logger_->warning("hard_stop_after reached: closing {} remaining session(s)", sessions());
    for (auto& w : workers_) w->post([](io::Worker& self) { self.kill_sessions(); });
    loop_.break_loop();
  }

  void stop_now(const char* why) {
    logger_->notice("{} received, stopping now", why);
    common::io::notify_systemd("STOPPING=1");
    for (auto& w : workers_) w->post([](io::Worker& self) { self.kill_sessions(); });
    loop_.break_loop();
  }

  std::size_t sessions() const {
    std::size_t n = 0;
    for (const auto& w : workers_) n += w->session_count();
    return n;
  }

  common::cli::DaemonOptions options_;
  std::unique_ptr<common::log::Logger> logger_;
  common::TimePoint started_ = common::SteadyClock::now();
  std::chrono::system_clock::time_point started_at_ = std::chrono::system_clock::now();
  std::size_t threads_;
  io::ProcessShared process_;
  std::shared_ptr<io::Generation> generation_;
  common::io::EventLoop loop_;
  io::LoopInbox control_inbox_{loop_};  // pages the workers' sessions ask for (serve)
  std::vector<std::unique_ptr<io::Worker>> workers_;
  std::unique_ptr<io::HealthChecker> checker_;
  std::unique_ptr<io::AgentChecker> agents_;
  std::unique_ptr<io::ServerResolver> resolver_;
  std::unique_ptr<io::AdminService> admin_;
  std::unique_ptr<io::StatsServer> stats_;
  std::unique_ptr<io::AdminSocket> admin_socket_;
  std::vector<std::unique_ptr<io::AdminSocket>> admin_tcp_;
  bool stopping_ = false;
  common::io::SignalWatcher sigterm_;
  common::io::SignalWatcher sigint_;
  common::io::SignalWatcher sighup_;
  common::io::TimerWatcher drain_timer_;
  common::io::TimerWatcher hard_stop_timer_;
};

// -c also tries each bind (with IP_FREEBIND): a configuration that checks
// but cannot start is the classic trap.
void check_binds(const ProxyConfig& config, Diagnostics& diagnostics) {
  for (const auto& f : config.frontends) {
    for (const auto& b : f.binds) {
      if (auto r = io::probe_bind(b.address, b.unix_file); !r) {
        diagnostics.error(config.where(b.line),
                          fmt::format("frontend '{}': cannot bind {}: {} (check as the user the service runs as)",
                                      f.name, b.address.to_string(), r.error().describe()));
      } else {
        std::printf("bind %s (frontend %s): ok\n", b.address.to_string().c_str(), f.name.c_str());
      }
    }
  }
  if (!config.stats) return;
  for (const auto& b : config.stats->binds) {
    if (auto r = io::probe_bind(b.address); !r) {
      diagnostics.error(config.where(b.line),
                        fmt::format("[stats]: cannot bind {}: {}", b.address.to_string(), r.error().describe()));
    } else {
      std::printf("bind %s (stats): ok\n", b.address.to_string().c_str());
    }
  }
}

// -c reads what start and reload read: certificates, keys, errorfiles,
// maps, and the first address of servers named by host. With --offline
// (a laptop, CI) what only the load balancer has is a warning.
int check_files(ProxyConfig config, const common::cli::DaemonOptions& options) {
  io::Generation probe(std::move(config), 1);
  auto errors = io::load_generation_files(probe);
  auto names = io::init_server_addresses(probe);
  errors.insert(errors.end(), names.begin(), names.end());
  const bool offline = options.extra.contains("offline");
  for (const auto& e : errors) std::fprintf(stderr, "%s%s\n", offline ? "warning (--offline): " : "", e.c_str());
  if (!errors.empty() && !offline) {
    std::fprintf(stderr, "%s: %zu error(s), configuration refused\n", options.config_file.c_str(), errors.size());
    return 1;
  }
  std::printf("Configuration file is valid\n");
  return 0;
}

// --convert: the files (haproxy.cfg) as proxyd's INI on stdout.
int convert(const common::cli::DaemonOptions& options) {
  Diagnostics diagnostics;
  const auto sources = io::read_config_sources(options, diagnostics);
  std::optional<common::config::IniDocument> doc;
  if (sources) doc = io::config_document(*sources, diagnostics);
  common::io::print_diagnostics(diagnostics);
  if (!doc || diagnostics.has_errors()) {
    std::fprintf(stderr, "%s: %zu error(s), not converted\n", options.config_file.c_str(), diagnostics.error_count());
    return 1;
  }
  std::fputs(haproxy_cfg::to_ini(*doc).c_str(), stdout);
  return 0;
}

constexpr common::cli::ExtraOption kExtraOptions[] = {
    {"format", "haproxy|ini: the configuration's format (default: told by its content)"},
    {"convert", "print the configuration (haproxy.cfg) as proxyd's INI, each line's origin in a comment", false},
    {"offline", "with -c: unresolvable names and missing files are warnings (checking away from the node)", false},
};

constexpr std::string_view kCommandsHelp =
    "  ctl [-s SOCKET] COMMAND...   send COMMAND to the admin socket (default: admin_socket of the\n"
    "                               configuration file, else /run/proxyd.sock) and print the answer;\n"
    "                               `proxyd ctl help` lists the commands\n";

// `proxyd ctl`: the runtime API without socat. Exit 0, or 1 when the daemon
// cannot be reached or answers an error.
int run_ctl(const common::cli::DaemonOptions& options) {
  std::vector<std::string> words(options.command.begin() + 1, options.command.end());
  std::optional<std::string> socket;
  std::string config_file = options.config_file;
  while (words.size() >= 2 && (words[0] == "-s" || words[0] == "-f")) {
    if (words[0] == "-s") {
      socket = words[1];
    } else {
      config_file = words[1];
    }
    words.erase(words.begin(), words.begin() + 2);
  }
  if (words.empty()) {
    std::fprintf(stderr, "proxyd ctl: missing command (try: proxyd ctl help)\n");
    return 2;
  }
  if (!socket) {
    Diagnostics ignored;  // an unreadable file just means the default path
    auto from = options;
    from.config_file = config_file;
    from.config_files = {config_file};
    const auto config = load(from, ignored);
    socket = config && config->global.admin_socket ? *config->global.admin_socket : std::string(kDefaultAdminSocket);
  }
  const auto answer = io::admin_request(*socket, common::text::join(words, " "));
  if (!answer) {
    std::fprintf(stderr, "proxyd ctl: %s\n", answer.error().describe().c_str());
    return 1;
  }
  std::fwrite(answer->data(), 1, answer->size(), stdout);
  return io::is_error_answer(*answer) ? 1 : 0;
}

}  // namespace

int run(std::span<const std::string_view> args) {
  auto options = common::cli::parse_daemon_args(args, kDefaultConfig, kExtraOptions);
  if (!options) {
    std::fprintf(stderr, "proxyd: %s (try -h)\n", options.error().message.c_str());
    return 2;
  }
  if (options->show_help) {
    std::fputs(common::cli::usage("proxyd", "TCP/HTTP reverse proxy and load balancer", kDefaultConfig, kExtraOptions,
                                  kCommandsHelp)
                   .c_str(),
               stdout);
    return 0;
  }
  if (options->show_version) {
    std::printf("proxyd %s\n", HAPAIR_VERSION);
    return 0;
  }
  if (!options->command.empty()) {
    if (options->command[0] == "ctl") return run_ctl(*options);
    std::fprintf(stderr, "proxyd: unknown command '%s' (try -h)\n", options->command[0].c_str());
    return 2;
  }
  if (options->extra.contains("convert")) return convert(*options);
  Diagnostics diagnostics;
  auto config = load(*options, diagnostics);
  const bool offline = options->extra.contains("offline");
  if (config && options->check_only && !offline) check_binds(*config, diagnostics);
  common::io::print_diagnostics(diagnostics);
  if (!config || diagnostics.has_errors()) {
    std::fprintf(stderr, "%s: %zu error(s), configuration refused\n", options->config_file.c_str(),
                 diagnostics.error_count());
    return 1;
  }
  if (options->check_only) return check_files(std::move(*config), *options);
  App app(std::move(*config), *options);
  return app.run();
}

}  // namespace proxyd
