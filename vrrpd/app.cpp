#include "vrrpd/app.h"

#include <fmt/format.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "common/core/config/ini_writer.h"
#include "common/core/log/rate_limiter.h"
#include "common/io/daemon.h"
#include "common/io/event_loop.h"
#include "common/io/pidfile.h"
#include "version.h"
#include "vrrpd/commands.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/core/notify/mail_alert.h"
#include "vrrpd/core/notify/notify_plan.h"
#include "vrrpd/core/protocol/virtual_mac.h"
#include "vrrpd/core/track/effective_priority.h"
#include "vrrpd/core/track/failover_check.h"
#include "vrrpd/io/address_monitor.h"
#include "vrrpd/io/config_sources.h"
#include "vrrpd/io/instance_runner.h"
#include "vrrpd/io/interface_info.h"
#include "vrrpd/io/link_monitor.h"
#include "vrrpd/io/netlink_addresses.h"
#include "vrrpd/io/notify_runner.h"
#include "vrrpd/io/realtime.h"
#include "vrrpd/io/receive_dispatcher.h"
#include "vrrpd/io/smtp_mailer.h"
#include "vrrpd/io/tracker_set.h"
#include "vrrpd/io/vmac_links.h"

namespace vrrpd {
namespace {

using common::config::Diagnostics;
using config::VrrpConfig;

std::string host_name() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

class App {
 public:
  App(VrrpConfig config, const common::cli::DaemonOptions& options, io::NetlinkAddresses addresses,
      io::NetlinkRoutes routes)
      : options_(options),
        config_(std::move(config)),
        logger_(common::io::make_logger(config_.global.log, "vrrpd", options.debug)),
        addresses_(std::move(addresses)),
        routes_(std::move(routes)),
        drop_limiter_(3, common::Duration(60'000)),
        services_{loop_, *logger_, addresses_, routes_, drop_limiter_},
        realtime_(loop_, *logger_),
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
    auto addresses = io::AddressMonitor::open(loop_, [this](int ifindex, const common::net::IpAddress& address) {
      for (auto& [n, runner] : runners_) runner->on_address_removed(ifindex, address);
    });
    if (!addresses) {
      logger_->error("cannot start: {}", addresses.error().describe());
      return 1;
    }
    address_monitor_ = std::move(*addresses);
    const auto router_id = config_.global.router_id.empty() ? host_name() : config_.global.router_id;
    logger_->notice("Starting vrrpd {} (router_id {}, pid {})", HAPAIR_VERSION, router_id, ::getpid());
    realtime_.apply(config_.global);
    if (auto status = setup_scripts(); !status) {
      logger_->error("cannot start: {}", status.error().describe());
      return 1;
    }
    make_mailer();
    if (auto vmacs = io::VmacLinks::open(*logger_)) {
      vmacs_.emplace(std::move(*vmacs));
    } else {
      logger_->warning("use_vmac unavailable: {}", vmacs.error().describe());
    }
    start_trackers();
    for (const auto& instance : config_.instances) start_instance(instance);
    rebuild_dispatchers();
    common::io::notify_systemd("READY=1");
    logger_->info("Startup complete");
    loop_.run();
    logger_->notice("Stopped vrrpd {}", HAPAIR_VERSION);
    return 0;
  }

 private:
  // use_vmac: the VIPs go on the VMAC (announced from the virtual MAC), and
  // so do the adverts, from the base interface's address, unless
  // vmac_xmit_base keeps them on the base interface.
  common::Result<config::Instance> on_vmac(const config::Instance& instance) {
    if (!instance.vmac) return instance;
    std::vector<common::net::IpAddress> vips;
    for (const auto& vip : instance.vips) vips.push_back(vip.address.network);
    const auto source = io::primary_address(instance.interface, instance.family(), vips);
    if (!source)
      return common::fail("instance {}: interface {} has no IPv4 address", instance.name, instance.interface);
    if (!vmacs_) return common::fail("instance {}: use_vmac: no netlink socket", instance.name);
    const auto name = config::vmac_name(instance, config_.global);
    const auto mac = protocol::virtual_router_mac(static_cast<std::uint8_t>(instance.vrid), instance.family());
    if (auto index = vmacs_->acquire(name, instance.interface, mac); !index) {
      return common::fail("instance {}: {}", instance.name, index.error().describe());
    }
    auto on = instance;
    for (auto& vip : on.vips) {
      if (vip.device.empty()) vip.device = name;
    }
    if (instance.vmac_xmit_base) return on;  // adverts from the base interface, as it is
    on.interface = name;
    if (!on.unicast_source) on.unicast_source = *source;
    return on;
  }

  void start_instance(const config::Instance& instance) {
    auto effective = on_vmac(instance);
    auto runner = effective ? io::InstanceRunner::create(services_, *effective)
                            : common::Result<std::unique_ptr<io::InstanceRunner>>(tl::unexpected(effective.error()));
    if (!runner) {
      logger_->error("{}; retrying when the interface appears", runner.error().describe());
      pending_[instance.name] = instance;
      return;
    }
    (*runner)->set_state_listener(
        [this](const io::InstanceRunner& r, fsm::State from, fsm::State to) { on_state(r, from, to); });
    auto* raw = runner->get();
    runners_[instance.name] = std::move(*runner);
    // A notifier outlives reloads: queued scripts of the instance still run, in order.
    if (!notifiers_.contains(instance.name)) {
      notifiers_[instance.name] = std::make_unique<io::NotifyRunner>(loop_, *logger_, instance.name, scripts_,
                                                                     instance.notify_timeout, fifo_.get());
    }
    apply_tracking(*raw);
    raw->start();
  }

  common::Status setup_scripts() {
    auto identity = io::resolve_script_user(config_.global.script_user);
    if (!identity) return tl::unexpected(identity.error());
    scripts_ = *identity;
    if (!scripts_.uid) {
      logger_->info(
          "scripts run as root (no script_user and no vrrpd-script user); a root script must not be "
          "writable by anyone else");
    }
    if (!config_.global.notify_fifo.empty() && !fifo_) {
      auto fifo = io::NotifyFifo::open(config_.global.notify_fifo);
      if (!fifo) return tl::unexpected(fifo.error());
      fifo_ = std::move(*fifo);
    }
    return {};
  }

  void start_trackers() {
    trackers_ = std::make_unique<io::TrackerSet>(
        loop_, *logger_, config_, scripts_,
        [this](const std::string& name, bool, const std::string&) { on_tracker(name); });
    trackers_->start();
  }

  void on_tracker(const std::string& name) {
    for (auto& [n, runner] : runners_) {
      const auto& track = runner->config().track;
      if (std::find(track.begin(), track.end(), name) != track.end()) apply_tracking(*runner);
    }
  }

  // Effective priority and tracker faults of one instance, from the
  // trackers' current states (keepalived weights, core/track).
  void apply_tracking(io::InstanceRunner& runner) {
    std::vector<track::TrackerInput> inputs;
    for (const auto& name : runner.config().track) {
      const auto* t = config_.find_tracker(name);
      if (t != nullptr) inputs.push_back({name, t->weight, trackers_->ok(name), trackers_->value(name)});
    }
    const auto effective = track::effective_priority(runner.config().priority, inputs);
    if (effective.priority != runner.priority()) runner.set_priority(effective.priority);
    for (const auto& input : inputs) {
      if (input.weight != 0 && !input.value) continue;
      const auto reason = fmt::format("tracker {} failed", input.name);
      const bool failing =
          std::find(effective.faults.begin(), effective.faults.end(), input.name) != effective.faults.end();
      failing ? runner.raise_fault(reason) : runner.clear_fault(reason);
    }
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
    // A stale "down" (a VMAC is created down, then set up before its instance
    // starts): the kernel's present state decides.
    if (!up) {
      if (const auto now = io::read_interface(name); now && now->up) return;
    }
    for (auto& [n, runner] : runners_) {
      if (runner->ifindex() == ifindex) runner->on_link(up);
    }
    if (trackers_) trackers_->on_link(name, up);
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
    notify_instance(changed, from, to);
    if (!propagating_) propagate_to_group(changed, from, to);  // not for the followers' own transitions
    notify_groups();
  }

  static std::optional<notify::NotifyState> notify_state(fsm::State from, fsm::State to) {
    switch (to) {
      case fsm::State::Master:
        return notify::NotifyState::Master;
      case fsm::State::Backup:
        return notify::NotifyState::Backup;
      case fsm::State::Fault:
        return notify::NotifyState::Fault;
      case fsm::State::Initialize:
        return from == fsm::State::Initialize ? std::nullopt : std::optional(notify::NotifyState::Stop);
    }
    return std::nullopt;
  }

  void notify_instance(const io::InstanceRunner& runner, fsm::State from, fsm::State to) {
    const auto& in = runner.config();
    const auto state = notify_state(from, to);
    auto it = notifiers_.find(in.name);
    if (!state || it == notifiers_.end()) return;
    const notify::Transition transition{notify::Subject::Instance, in.name, *state, runner.priority()};
    it->second->submit(in.notify, transition);
    mail(in.smtp_alert, transition);
    // master_refresh: re-run notify_master while MASTER (a floating IP moved
    // away during a blip is claimed back).
    auto& timer = refresh_timers_[in.name];
    if (to == fsm::State::Master && in.master_refresh.count() > 0 && in.notify.master) {
      timer = std::make_unique<common::io::TimerWatcher>(loop_, [this, name = in.name] { refresh_master(name); });
      timer->start(in.master_refresh, in.master_refresh);
    } else if (to != fsm::State::Master) {
      timer.reset();
    }
  }

  void refresh_master(const std::string& name) {
    const auto runner = runners_.find(name);
    const auto notifier = notifiers_.find(name);
    if (runner == runners_.end() || notifier == notifiers_.end() || !notifier->second->idle()) return;
    const auto& in = runner->second->config();
    notifier->second->submit_command(in.notify.master->argv, {notify::Subject::Instance, name,
                                                              notify::NotifyState::Master, runner->second->priority()});
  }

  // smtp_alert: the mail of a transition (not twice for the same state).
  void mail(std::optional<bool> own, const notify::Transition& transition) {
    const auto& settings = config_.global.mail;
    if (!mailer_ || !own.value_or(settings.alert)) return;
    if (settings.no_faults && transition.state == notify::NotifyState::Fault) return;  // keepalived's no_email_faults
    if (!mail_gate_.admit(transition)) return;
    const auto router_id = config_.global.router_id.empty() ? host_name() : config_.global.router_id;
    mailer_->send(notify::mail_alert(transition, router_id));
  }

  void make_mailer() {
    const auto& mail = config_.global.mail;
    mailer_.reset();
    if (mail.server && !mail.to.empty()) mailer_ = std::make_unique<io::SmtpMailer>(loop_, *logger_, mail, host_name());
  }

  // A group's notify runs once all its members reached the same state.
  void notify_groups() {
    for (const auto& group : config_.sync_groups) {
      std::optional<fsm::State> common_state;
      bool same = true;
      for (const auto& member : group.instances) {
        const auto it = runners_.find(member);
        if (it == runners_.end()) continue;
        if (common_state && *common_state != it->second->state()) same = false;
        common_state = it->second->state();
      }
      if (!same || !common_state) continue;
      auto& last = group_state_[group.name];
      if (last == *common_state) continue;
      const auto from = last.value_or(fsm::State::Initialize);
      last = *common_state;
      const auto state = notify_state(from, *common_state);
      if (!state) continue;
      auto& runner = group_notifiers_[group.name];
      if (!runner)
        runner = std::make_unique<io::NotifyRunner>(loop_, *logger_, group.name, scripts_, common::Duration(30'000),
                                                    fifo_.get());
      const notify::Transition transition{notify::Subject::Group, group.name, *state, 0};
      runner->submit(group.notify, transition);
      mail(group.smtp_alert, transition);
    }
  }

  void propagate_to_group(const io::InstanceRunner& changed, fsm::State from, fsm::State to) {
    propagating_ = true;
    const auto& name = changed.config().name;
    for (const auto& group : config_.sync_groups) {
      const auto& members = group.instances;
      if (std::find(members.begin(), members.end(), name) == members.end()) continue;
      for (const auto& member : members) {
        auto it = runners_.find(member);
        if (member == name || it == runners_.end()) continue;
        auto& follower = *it->second;
        const auto reason = fmt::format("sync group {}: {} is in FAULT", group.name, name);
        if (to == fsm::State::Fault) {
          follower.raise_fault(reason);
        } else if (from == fsm::State::Fault) {
          follower.clear_fault(reason);
        }
        if (to == fsm::State::Master) follower.follow(fsm::GroupMaster{name});
        if (from == fsm::State::Master) follower.follow(fsm::GroupBackup{name});
      }
    }
    propagating_ = false;
  }

  void stop(const char* why) {
    if (stopping_) return;
    stopping_ = true;
    logger_->notice("{} received, stopping", why);
    common::io::notify_systemd("STOPPING=1");
    for (auto& [name, runner] : runners_) runner->stop();
    trackers_.reset();
    // notify_stop scripts finish before we exit (each bounded by its timeout).
    exit_timer_ = std::make_unique<common::io::TimerWatcher>(loop_, [this] {
      bool idle = true;
      for (const auto& [name, n] : notifiers_) idle = idle && n->idle();
      for (const auto& [name, n] : group_notifiers_) idle = idle && n->idle();
      if (idle) loop_.break_loop();
    });
    exit_timer_->start(std::chrono::milliseconds(0), std::chrono::milliseconds(20));
  }

  void reload() {
    common::io::notify_systemd("RELOADING=1");
    Diagnostics diagnostics;
    auto next = load(options_, options_.config_file, diagnostics);
    for (const auto& d : diagnostics.all()) {
      if (d.severity != common::config::Severity::Notice) logger_->warning("reload: {}", d.to_string());
    }
    if (!next) {
      logger_->error("reload of {} refused: {} error(s); the running configuration is unchanged", options_.config_file,
                     diagnostics.error_count());
      common::io::notify_systemd("READY=1");
      return;
    }
    std::size_t kept = 0, restarted = 0, added = 0, removed = 0;
    for (auto it = runners_.begin(); it != runners_.end();) {
      // Compared as loaded: the runner's copy lacks the unicast_peer entries
      // that are this node's own addresses.
      const auto* wanted = next->find_instance(it->first);
      const auto* current = config_.find_instance(it->first);
      if (wanted != nullptr && current != nullptr && config::same_settings(*wanted, *current)) {
        if (auto auth = it->second->update_auth(*wanted); !auth) {
          logger_->error("reload: {}; the instance keeps its running auth_hmac keys", auth.error().describe());
        }
        it->second->forget_peer_macs();
        ++kept;
        ++it;
        continue;
      }
      wanted ? ++restarted : ++removed;
      it->second->stop();
      it = runners_.erase(it);
    }
    pending_.clear();
    const bool trackers_changed = next->trackers != config_.trackers;
    std::vector<std::string> fresh;
    for (const auto& instance : next->instances) {
      if (runners_.contains(instance.name)) continue;
      if (config_.find_instance(instance.name) == nullptr) ++added;
      fresh.push_back(instance.name);
    }
    config_ = std::move(*next);
    realtime_.apply(config_.global);
    make_mailer();
    if (vmacs_) {
      std::set<std::string> wanted;
      for (const auto& in : config_.instances) wanted.insert(config::vmac_name(in, config_.global));
      vmacs_->keep_only(wanted);
    }
    // Unchanged trackers keep running (a restart would reset their state).
    if (trackers_changed) start_trackers();
    for (const auto& name : fresh) start_instance(*config_.find_instance(name));
    for (auto& [name, runner] : runners_) apply_tracking(*runner);
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
    j["scheduling"] = {{"policy", io::scheduling_description()},
                       {"memory_locked", realtime_.memory_locked()},
                       {"realtime_demotions", realtime_.demotions()}};
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
  io::NetlinkRoutes routes_;
  common::log::RateLimiter drop_limiter_;
  io::SharedServices services_;
  io::Realtime realtime_;
  std::unique_ptr<io::LinkMonitor> links_;
  std::unique_ptr<io::AddressMonitor> address_monitor_;
  std::optional<io::VmacLinks> vmacs_;  // before runners_: outlives them
  std::map<std::string, std::unique_ptr<io::InstanceRunner>> runners_;
  std::map<std::string, config::Instance> pending_;
  std::vector<std::unique_ptr<io::ReceiveDispatcher>> dispatchers_;
  bool propagating_ = false;
  bool stopping_ = false;
  io::ScriptIdentity scripts_;
  std::unique_ptr<io::NotifyFifo> fifo_;
  std::unique_ptr<io::TrackerSet> trackers_;
  std::map<std::string, std::unique_ptr<io::NotifyRunner>> notifiers_;
  std::map<std::string, std::unique_ptr<io::NotifyRunner>> group_notifiers_;
  std::map<std::string, std::optional<fsm::State>> group_state_;
  std::map<std::string, std::unique_ptr<common::io::TimerWatcher>> refresh_timers_;
  std::unique_ptr<common::io::TimerWatcher> exit_timer_;
  std::unique_ptr<io::SmtpMailer> mailer_;
  notify::MailGate mail_gate_;
  common::io::SignalWatcher sigterm_;
  common::io::SignalWatcher sigint_;
  common::io::SignalWatcher sighup_;
  common::io::SignalWatcher sigusr1_;
};

constexpr common::cli::ExtraOption kExtraOptions[] = {
    {"peer-config", "with -c: the other node's file; checks that a failing tracker can make it win"},
    {"format", "keepalived|ini: the configuration's format (default: told by its content)"},
    {"config-id", "keepalived.conf's @ID lines: this node's id (default: the host name up to its first dot)"},
    {"convert", "print the configuration (keepalived.conf) as vrrpd's INI, each line's origin in a comment", false},
    {"offline", "with -c: skip the checks of this host (interfaces, capabilities, script users)", false}};

constexpr std::string_view kCommandsHelp =
    "  genkey [ID]          print a new auth_hmac key line (ID 1-255, default 1): vrrpd genkey > /etc/vrrpd/vrrp.key\n"
    "  notify-test INSTANCE MASTER|BACKUP|FAULT|STOP\n"
    "                       run the instance's notify scripts for that transition once, in the foreground\n";

}  // namespace

int run(std::span<const std::string_view> args) {
  auto options = common::cli::parse_daemon_args(args, kDefaultConfig, kExtraOptions);
  if (!options) {
    std::fprintf(stderr, "vrrpd: %s (try -h)\n", options.error().message.c_str());
    return 2;
  }
  if (options->show_help) {
    std::fputs(common::cli::usage("vrrpd", "VRRP v2/v3 daemon: elects the master, moves the VIP", kDefaultConfig,
                                  kExtraOptions, kCommandsHelp)
                   .c_str(),
               stdout);
    return 0;
  }
  if (options->show_version) {
    std::printf("vrrpd %s\n", HAPAIR_VERSION);
    return 0;
  }
  if (options->extra.contains("convert")) return convert(*options);
  if (!options->command.empty() && options->command[0] == "genkey") return genkey(options->command);
  Diagnostics diagnostics;
  auto config = load(*options, options->config_file, diagnostics);
  if (config && options->check_only && !options->extra.contains("offline")) check_environment(*config, diagnostics);
  common::io::print_diagnostics(diagnostics);
  if (!config || diagnostics.has_errors()) {
    std::fprintf(stderr, "%s: %zu error(s), configuration refused\n", options->config_file.c_str(),
                 diagnostics.error_count());
    return 1;
  }
  if (options->check_only) {
    std::printf("Configuration file is valid\n");
    const auto peer = options->extra.find("peer-config");
    if (peer != options->extra.end() && !check_peer(*config, *options, peer->second)) return 1;
    return 0;
  }
  if (!options->command.empty()) {
    if (options->command[0] == "notify-test") return notify_test(*config, options->command);
    std::fprintf(stderr, "vrrpd: unknown command '%s' (try -h)\n", options->command[0].c_str());
    return 2;
  }
  auto addresses = io::NetlinkAddresses::open();
  if (!addresses) {
    std::fprintf(stderr, "vrrpd: %s\n", addresses.error().describe().c_str());
    return 1;
  }
  auto routes = io::NetlinkRoutes::open();
  if (!routes) {
    std::fprintf(stderr, "vrrpd: %s\n", routes.error().describe().c_str());
    return 1;
  }
  App app(std::move(*config), *options, std::move(*addresses), std::move(*routes));
  return app.run();
}

}  // namespace vrrpd
