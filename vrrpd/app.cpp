#include "vrrpd/app.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>

#include "common/core/log/rate_limiter.h"
#include "common/io/daemon.h"
#include "common/io/event_loop.h"
#include "common/io/pidfile.h"
#include "version.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/io/instance_runner.h"
#include "vrrpd/io/interface_info.h"
#include "vrrpd/io/link_monitor.h"
#include "vrrpd/io/netlink_addresses.h"
#include "vrrpd/io/receive_dispatcher.h"

namespace vrrpd {
namespace {

using common::config::Diagnostics;
using config::VrrpConfig;

std::optional<VrrpConfig> load(const std::string& path, Diagnostics& diagnostics) {
  return common::io::load_config_file<VrrpConfig>(path, config::load_vrrp_config, diagnostics);
}

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

class App {
 public:
  App(VrrpConfig config, const common::cli::DaemonOptions& options, io::NetlinkAddresses addresses)
      : options_(options),
        config_(std::move(config)),
        logger_(common::io::make_logger(config_.global.log, "vrrpd", options.debug)),
        addresses_(std::move(addresses)),
        drop_limiter_(3, common::Duration(60'000)),
        services_{loop_, *logger_, addresses_, drop_limiter_},
        sigterm_(loop_, SIGTERM, [this](int) { stop("SIGTERM"); }),
        sigint_(loop_, SIGINT, [this](int) { stop("SIGINT"); }),
        sighup_(loop_, SIGHUP, [this](int) { reload(); }),
        sigusr1_(loop_, SIGUSR1, [this](int) { write_status(); }) {}

  int run() {
    auto pidfile = common::io::Pidfile::create(options_.pidfile.value_or(config_.global.pidfile));
    if (!pidfile) {
      logger_->error("cannot start: {}", pidfile.error().describe());
      return 1;
    }
    ::signal(SIGPIPE, SIG_IGN);
    auto links = io::LinkMonitor::open(
        loop_, [this](int ifindex, const std::string& name, bool up) { on_link(ifindex, name, up); });
    if (!links) {
      logger_->error("cannot start: {}", links.error().describe());
      return 1;
    }
    links_ = std::move(*links);
    const auto router_id = config_.global.router_id.empty() ? host_name() : config_.global.router_id;
    logger_->notice("Starting vrrpd {} (router_id {}, pid {})", HAPAIR_VERSION, router_id, ::getpid());
    for (const auto& instance : config_.instances) start_instance(instance);
    rebuild_dispatchers();
    common::io::notify_systemd("READY=1");
    loop_.run();
    logger_->notice("Stopped vrrpd {}", HAPAIR_VERSION);
    return 0;
  }

 private:
  void start_instance(const config::Instance& instance) {
    auto runner = io::InstanceRunner::create(services_, instance);
    if (!runner) {
      logger_->error("{}; retrying when the interface appears", runner.error().describe());
      pending_[instance.name] = instance;
      return;
    }
    (*runner)->set_state_listener(
        [this](const io::InstanceRunner& r, fsm::State from, fsm::State to) { on_state(r, from, to); });
    auto* raw = runner->get();
    runners_[instance.name] = std::move(*runner);
    raw->start();
  }

  // One receiving socket per interface and family, shared by its instances.
  void rebuild_dispatchers() {
    dispatchers_.clear();
    std::map<std::pair<int, common::net::Family>, io::ReceiveDispatcher*> by_key;
    for (auto& [name, runner] : runners_) {
      const auto key = std::pair{runner->ifindex(), runner->config().family()};
      auto it = by_key.find(key);
      if (it == by_key.end()) {
        bool multicast = false;
        for (const auto& [n, r] : runners_) {
          multicast = multicast || (r->ifindex() == key.first && !r->config().unicast());
        }
        auto d = io::ReceiveDispatcher::open(services_, runner->config().interface, key.first, key.second, multicast);
        if (!d) {
          logger_->error("({}) cannot receive adverts: {}", name, d.error().describe());
          continue;
        }
        it = by_key.emplace(key, d->get()).first;
        dispatchers_.push_back(std::move(*d));
      }
      it->second->add(runner.get());
    }
  }

  void on_link(int ifindex, const std::string& name, bool up) {
    for (auto& [n, runner] : runners_) {
      if (runner->ifindex() == ifindex) runner->on_link(up);
    }
    bool started = false;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.interface != name) {
        ++it;
        continue;
      }
      const auto instance = it->second;
      it = pending_.erase(it);
      logger_->info("({}) interface {} appeared", instance.name, name);
      start_instance(instance);
      started = true;
    }
    if (started) rebuild_dispatchers();
  }

  // Sync groups (keepalived vrrp_sync_group): members change state
  // together. A member in FAULT drags the others into FAULT; one becoming
  // MASTER takes the others along; one leaving MASTER takes them back.
  void on_state(const io::InstanceRunner& changed, fsm::State from, fsm::State to) {
    if (propagating_) return;  // the followers' own transitions
    propagating_ = true;
    const auto& name = changed.config().name;
    for (const auto& group : config_.sync_groups) {
      const auto& members = group.instances;
      if (std::find(members.begin(), members.end(), name) == members.end()) continue;
      for (const auto& member : members) {
        auto it = runners_.find(member);
        if (member == name || it == runners_.end()) continue;
        auto& follower = *it->second;
        if (to == fsm::State::Fault) {
          follower.raise_fault(fmt::format("sync group {}: {} is in FAULT", group.name, name));
        } else if (from == fsm::State::Fault) {
          follower.clear_fault();
        }
        if (to == fsm::State::Master) follower.follow(fsm::GroupMaster{name});
        if (from == fsm::State::Master) follower.follow(fsm::GroupBackup{name});
      }
    }
    propagating_ = false;
  }

  void stop(const char* why) {
    logger_->notice("{} received, stopping", why);
    common::io::notify_systemd("STOPPING=1");
    for (auto& [name, runner] : runners_) runner->stop();
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
      common::io::notify_systemd("READY=1");
      return;
    }
    std::size_t kept = 0, restarted = 0, added = 0, removed = 0;
    for (auto it = runners_.begin(); it != runners_.end();) {
      const auto* wanted = next->find_instance(it->first);
      if (wanted != nullptr && config::same_settings(*wanted, it->second->config())) {
        ++kept;
        ++it;
        continue;
      }
      wanted ? ++restarted : ++removed;
      it->second->stop();
      it = runners_.erase(it);
    }
    pending_.clear();
    for (const auto& instance : next->instances) {
      if (runners_.contains(instance.name)) continue;
      if (config_.find_instance(instance.name) == nullptr) ++added;
      start_instance(instance);
    }
    config_ = std::move(*next);
    rebuild_dispatchers();
    logger_->notice("configuration reloaded from {}: {} instance(s) unchanged, {} restarted, {} added, {} removed",
                    options_.config_file, kept, restarted, added, removed);
    common::io::notify_systemd("READY=1");
  }

  void write_status() {
    nlohmann::json j;
    j["router_id"] = config_.global.router_id.empty() ? host_name() : config_.global.router_id;
    j["pid"] = ::getpid();
    j["version"] = HAPAIR_VERSION;
    j["instances"] = nlohmann::json::array();
    for (const auto& [name, runner] : runners_) j["instances"].push_back(runner->status());
    for (const auto& [name, instance] : pending_) {
      j["instances"].push_back({{"name", name}, {"state", "PENDING"}, {"interface", instance.interface}});
    }
    j["receivers"] = nlohmann::json::array();
    for (const auto& d : dispatchers_) j["receivers"].push_back(d->status());
    const std::filesystem::path path = config_.global.status_file;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    const auto temp = path.string() + ".tmp";
    {
      std::ofstream out(temp);
      out << j.dump(2) << "\n";
      if (!out) {
        logger_->error("cannot write status to {}", temp);
        return;
      }
    }
    std::filesystem::rename(temp, path, ec);
    if (ec) {
      logger_->error("cannot write status to {}: {}", path.string(), ec.message());
      return;
    }
    logger_->info("status written to {}", path.string());
  }

  common::cli::DaemonOptions options_;
  VrrpConfig config_;
  std::unique_ptr<common::log::Logger> logger_;
  common::io::EventLoop loop_;
  io::NetlinkAddresses addresses_;
  common::log::RateLimiter drop_limiter_;
  io::SharedServices services_;
  std::unique_ptr<io::LinkMonitor> links_;
  std::map<std::string, std::unique_ptr<io::InstanceRunner>> runners_;
  std::map<std::string, config::Instance> pending_;
  std::vector<std::unique_ptr<io::ReceiveDispatcher>> dispatchers_;
  bool propagating_ = false;
  common::io::SignalWatcher sigterm_;
  common::io::SignalWatcher sigint_;
  common::io::SignalWatcher sighup_;
  common::io::SignalWatcher sigusr1_;
};

// Checks of -c that need the machine, not just the file.
void check_environment(const VrrpConfig& config, Diagnostics& diagnostics) {
  for (const auto& instance : config.instances) {
    if (!io::read_interface(instance.interface)) {
      diagnostics.warning({config.source, instance.line},
                          fmt::format("instance '{}': interface {} does not exist (yet); the instance waits for it",
                                      instance.name, instance.interface));
    }
  }
}

}  // namespace

int run(std::span<const std::string_view> args) {
  auto options = common::cli::parse_daemon_args(args, kDefaultConfig);
  if (!options) {
    std::fprintf(stderr, "vrrpd: %s (try -h)\n", options.error().message.c_str());
    return 2;
  }
  if (options->show_help) {
    std::fputs(
        common::cli::usage("vrrpd", "VRRP v2/v3 daemon: elects the master, moves the VIP", kDefaultConfig).c_str(),
        stdout);
    return 0;
  }
  if (options->show_version) {
    std::printf("vrrpd %s\n", HAPAIR_VERSION);
    return 0;
  }
  Diagnostics diagnostics;
  auto config = load(options->config_file, diagnostics);
  if (config && options->check_only) check_environment(*config, diagnostics);
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
  auto addresses = io::NetlinkAddresses::open();
  if (!addresses) {
    std::fprintf(stderr, "vrrpd: %s\n", addresses.error().describe().c_str());
    return 1;
  }
  App app(std::move(*config), *options, std::move(*addresses));
  return app.run();
}

}  // namespace vrrpd
