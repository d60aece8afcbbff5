#include "vrrpd/io/instance_runner.h"

#include <fmt/format.h>
#include <net/if.h>

#include "vrrpd/core/protocol/virtual_mac.h"
#include "vrrpd/io/advert_keys.h"
#include "vrrpd/io/frame_tap.h"
#include "vrrpd/io/interface_info.h"

namespace vrrpd::io {
namespace {

using common::log::Level;
using common::net::IpAddress;

fsm::InstanceParams make_params(const config::Instance& c, const IpAddress& source) {
  fsm::InstanceParams p;
  p.name = c.name;
  p.version = static_cast<std::uint8_t>(c.version);
  p.priority = static_cast<std::uint8_t>(c.priority);
  p.advert_interval = std::chrono::duration_cast<fsm::Micros>(c.advert_interval);
  p.preempt = c.preempt;
  p.preempt_delay = std::chrono::duration_cast<fsm::Micros>(c.preempt_delay);
  p.primary_address = source;
  // One peer: nobody else to order with Skew_Time (the own address was
  // removed from unicast_peer already).
  p.sole_peer = c.unicast_peers.size() == 1 && c.skew_on_priority_zero == config::SkewOnPriorityZero::Auto;
  return p;
}

std::vector<IpAddress> vip_addresses(const config::Instance& c) {
  std::vector<IpAddress> out;
  for (const auto& v : c.vips) {
    if (!v.excluded) out.push_back(v.address.network);  // vip_excluded: held, not advertised
  }
  return out;
}

// One file for both nodes: unicast_peer may list every node of the pair,
// and each skips the addresses that are its own.
common::Status skip_own_peers(const SharedServices& services, config::Instance& config) {
  if (!config.unicast()) return {};
  std::erase_if(config.unicast_peers, [&](const IpAddress& peer) {
    if (!is_local_address(peer)) return false;
    services.logger.info("({}) unicast_peer {} is an address of this node: skipped", config.name, peer.to_string());
    return true;
  });
  if (config.unicast_peers.empty()) {
    return common::fail("instance {}: every unicast_peer is an address of this node; list the other node's",
                        config.name);
  }
  return {};
}

}  // namespace

common::Result<std::unique_ptr<InstanceRunner>> InstanceRunner::create(SharedServices services,
                                                                       config::Instance config) {
  auto info = read_interface(config.interface);
  if (!info) return common::fail("instance {}: {}", config.name, info.error().describe());
  if (auto peers = skip_own_peers(services, config); !peers) return tl::unexpected(peers.error());
  std::optional<IpAddress> source = config.unicast_source;
  if (!source) source = primary_address(config.interface, config.family(), vip_addresses(config));
  if (!source) {
    return common::fail("instance {}: interface {} has no {} address to send adverts from", config.name,
                        config.interface, config.family() == common::net::Family::V4 ? "IPv4" : "IPv6 link-local");
  }
  auto socket = VrrpSendSocket::open(config.interface, info->index, *source);
  if (!socket) return common::fail("instance {}: {}", config.name, socket.error().describe());
  auto announcer = Announcer::open(info->index, info->mac);
  if (!announcer) return common::fail("instance {}: {}", config.name, announcer.error().describe());
  auto auth = load_auth_settings(config);
  if (!auth) return tl::unexpected(auth.error());
  return std::unique_ptr<InstanceRunner>(new InstanceRunner(services, std::move(config), info->index, *source,
                                                            std::move(*socket), std::move(*announcer), info->up,
                                                            std::move(*auth)));
}

InstanceRunner::InstanceRunner(SharedServices services, config::Instance config, int ifindex, IpAddress source,
                               VrrpSendSocket socket, Announcer announcer, bool link_up, protocol::AuthSettings auth)
    : services_(services),
      config_(std::move(config)),
      ifindex_(ifindex),
      source_(source),
      socket_(std::move(socket)),
      announcer_(std::move(announcer)),
      link_up_(link_up),
      fsm_(make_params(config_, source)),
      advert_timer_(services.loop, [this] { feed(fsm::AdvertTimerExpired{}); }),
      master_down_timer_(services.loop, [this] { feed(fsm::MasterDownExpired{}); }),
      garp_delay_timer_(services.loop, [this] { announce_vips("delayed"); }),
      garp_refresh_timer_(services.loop, [this] { announce_vips("refresh"); }),
      vip_retry_timer_(services.loop, [this] { retry_vips(); }),
      routes_(services.logger, services.routes, config_),
      auth_(std::move(auth), hmac_sha256) {
  expectation_.version = static_cast<std::uint8_t>(config_.version);
  expectation_.vrid = static_cast<std::uint8_t>(config_.vrid);
  expectation_.interval_cs = static_cast<std::uint16_t>(config_.advert_interval.count() / 10);
  expectation_.auth_type =
      config_.auth_type == config::AuthType::Pass ? protocol::AuthType::Pass : protocol::AuthType::None;
  expectation_.auth_data = protocol::pass_auth_data(config_.auth_pass);
  expectation_.vips = vip_addresses(config_);
  expectation_.unicast_peers = config_.unicast_peers;

  advert_template_.version = expectation_.version;
  advert_template_.vrid = expectation_.vrid;
  advert_template_.interval_cs = expectation_.interval_cs;
  advert_template_.auth_type = expectation_.auth_type;
  advert_template_.auth_data = expectation_.auth_data;
  advert_template_.addresses = expectation_.vips;

  if (config_.unicast()) {
    destinations_ = config_.unicast_peers;
  } else {
    destinations_ = {*IpAddress::parse(source_.is_v4() ? kVrrpGroupV4 : kVrrpGroupV6)};
  }
  for (const auto& vip : config_.vips) {
    const unsigned index = vip.device.empty() ? static_cast<unsigned>(ifindex_) : ::if_nametoindex(vip.device.c_str());
    vip_ifindex_.push_back(static_cast<int>(index));
  }
  vip_added_by_us_.assign(config_.vips.size(), false);
  // Adverts first when several watchers are due in one loop iteration.
  advert_timer_.set_priority(EV_MAXPRI);
}

InstanceRunner::~InstanceRunner() = default;

void InstanceRunner::start() {
  if (config_.auth_hmac == config::AuthHmac::Off) {
    services_.logger.warning(
        "({}) adverts are not authenticated: anyone on the link can forge them (auth_hmac = "
        "enforce with a key_file)",
        config_.name);
  } else {
    services_.logger.info("({}) auth_hmac {}: active key {}", config_.name, auth_name(config_.auth_hmac),
                          config_.active_key);
  }
  remove_stale_vips();
  if (!link_up_) {
    services_.logger.warning("({}) interface {} is down", config_.name, config_.interface);
    if (!config_.dont_track_primary) raise_fault(fmt::format("interface {} is down", config_.interface));
  }
  feed(fsm::Startup{});
}

void InstanceRunner::stop() {
  feed(fsm::Shutdown{});
  garp_delay_timer_.stop();
  garp_refresh_timer_.stop();
  vip_retry_timer_.stop();
}

// A batch stops at an AddVips that failed: the rest (MASTER state, notify,
// advert, gratuitous ARPs) would claim addresses this node does not hold.
void InstanceRunner::feed(const fsm::Event& event) {
  for (const auto& action : fsm_.handle(event, services_.loop.now())) {
    if (const auto* add = std::get_if<fsm::AddVips>(&action)) {
      (void)add;
      if (auto failure = add_vips()) {
        vips_unavailable(*failure);
        return;
      }
      continue;
    }
    perform(action);
  }
}

void InstanceRunner::perform(const fsm::Action& action) {
  std::visit(
      [this](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, fsm::SendAdvert>) {
          send_advert(a);
        } else if constexpr (std::is_same_v<T, fsm::AddVips>) {
          // carried out by feed()
        } else if constexpr (std::is_same_v<T, fsm::RemoveVips>) {
          remove_vips();
        } else if constexpr (std::is_same_v<T, fsm::AnnounceVips>) {
          announce_vips("now");
        } else if constexpr (std::is_same_v<T, fsm::ArmTimer>) {
          (a.timer == fsm::Timer::Advert ? advert_timer_ : master_down_timer_).start_at(a.deadline);
        } else if constexpr (std::is_same_v<T, fsm::CancelTimer>) {
          (a.timer == fsm::Timer::Advert ? advert_timer_ : master_down_timer_).stop();
        } else if constexpr (std::is_same_v<T, fsm::StateChanged>) {
          if (a.to == fsm::State::Master) ++counters_.became_master;
          if (a.from == fsm::State::Master) {
            garp_delay_timer_.stop();
            garp_refresh_timer_.stop();
          }
          if (listener_) listener_(*this, a.from, a.to);
        } else if constexpr (std::is_same_v<T, fsm::LogLine>) {
          services_.logger.log(a.level, a.text);
        }
      },
      action);
}

void InstanceRunner::send_advert(const fsm::SendAdvert& send) {
  auto advert = advert_template_;
  advert.priority = send.priority;
  for (const auto& destination : destinations_) {
    auto bytes = protocol::encode(advert, {source_, destination});
    if (auth_.signs()) auth_.sign(bytes, {source_, destination}, wall_clock_us());
    if (auto sent = socket_.send(destination, bytes); !sent) {
      ++counters_.send_errors;
      services_.drop_log_limiter.log(services_.logger, Level::Warning, fmt::format("{} send", config_.name),
                                     fmt::format("({}) {}", config_.name, sent.error().describe()),
                                     services_.loop.now());
    } else {
      ++counters_.adverts_sent;
    }
  }
  if (send.late) report_lateness(*send.late);
}

void InstanceRunner::report_lateness(fsm::Micros late) {
  if (!lateness_.record(late, std::chrono::duration_cast<fsm::Micros>(config_.advert_interval))) return;
  services_.drop_log_limiter.log(
      services_.logger, Level::Warning, fmt::format("{} late advert", config_.name),
      fmt::format("({}) advert sent {:.1f}ms late (advert_int {}): vrrpd was held up", config_.name,
                  static_cast<double>(late.count()) / 1000.0, common::format_duration(config_.advert_interval)),
      services_.loop.now());
}

void InstanceRunner::on_advert(const ReceivedPacket& packet, const protocol::Decoded& decoded) {
  const auto& advert = decoded.advert;
  const auto verdict = protocol::validate(advert, packet.ttl, packet.source, expectation_);
  if (!verdict.accepted()) {
    ++counters_.dropped[static_cast<std::size_t>(*verdict.drop)];
    log_drop(packet.source, protocol::describe(*verdict.drop), verdict.detail);
    return;
  }
  const auto auth = authenticate(packet, decoded);
  if (!auth || !check_peer_mac(packet, *auth == protocol::AuthOutcome::Authenticated)) return;
  for (const auto notice : verdict.notices) {
    ++(notice == protocol::Notice::AddressMismatch ? counters_.address_mismatch : counters_.interval_mismatch);
  }
  if (!verdict.notices.empty()) {
    services_.drop_log_limiter.log(services_.logger, Level::Warning,
                                   fmt::format("{} notice {}", config_.name, packet.source.to_string()),
                                   fmt::format("({}) advert from {} differs from our configuration: {}", config_.name,
                                               packet.source.to_string(), verdict.detail),
                                   services_.loop.now());
  }
  ++counters_.adverts_received;
  feed(fsm::AdvertReceived{packet.source, advert.priority, fsm::Micros(advert.interval_cs * 10'000)});
}

void InstanceRunner::log_drop(const IpAddress& sender, std::string_view key, const std::string& detail) {
  services_.drop_log_limiter.log(
      services_.logger, Level::Warning, fmt::format("{} {} {}", config_.name, key, sender.to_string()),
      fmt::format("({}) dropped advert from {}: {}", config_.name, sender.to_string(), detail), services_.loop.now());
}

void InstanceRunner::on_link(bool up) {
  if (up == link_up_) return;
  link_up_ = up;
  const auto reason = fmt::format("interface {} is down", config_.interface);
  if (config_.dont_track_primary) {
    services_.logger.info("({}) Netlink reports {} {} (dont_track_primary: no fault)", config_.name, config_.interface,
                          up ? "up" : "down");
  } else if (!up) {
    services_.logger.warning("({}) Netlink reports {} down", config_.name, config_.interface);
    raise_fault(reason);
  } else {
    services_.logger.info("({}) Netlink reports {} up", config_.name, config_.interface);
    clear_fault(reason);
  }
}

void InstanceRunner::raise_fault(const std::string& reason) {
  if (std::find(faults_.begin(), faults_.end(), reason) != faults_.end()) return;
  faults_.push_back(reason);
  if (faults_.size() == 1) feed(fsm::FaultRaised{reason});
}

void InstanceRunner::clear_fault(const std::string& reason) {
  if (std::erase(faults_, reason) == 0) return;
  if (faults_.empty() && fsm_.state() == fsm::State::Fault) feed(fsm::FaultCleared{});
}

void InstanceRunner::clear_faults_starting_with(std::string_view prefix) {
  const auto removed = std::erase_if(faults_, [&](const std::string& f) { return f.starts_with(prefix); });
  if (removed != 0 && faults_.empty() && fsm_.state() == fsm::State::Fault) feed(fsm::FaultCleared{});
}

void InstanceRunner::set_priority(std::uint8_t priority) {
  feed(fsm::PriorityChanged{priority});
}

int InstanceRunner::vip_ifindex(const config::VirtualAddress& vip) const {
  const auto i = static_cast<std::size_t>(&vip - config_.vips.data());
  return vip_ifindex_[i];
}

std::optional<std::string> InstanceRunner::add_vips() {
  if (config_.vips.empty()) {
    routes_.set();
    return std::nullopt;
  }
  services_.logger.info("({}) setting VIPs.", config_.name);
  for (std::size_t i = 0; i < config_.vips.size(); ++i) {
    const auto& vip = config_.vips[i];
    const auto outcome = services_.addresses.add(vip_ifindex(vip), vip);
    if (!outcome) {
      services_.logger.error("({}) cannot add VIP {}: {}", config_.name, vip.to_string(), outcome.error().describe());
      return fmt::format("cannot add VIP {}: {}", vip.address.to_string(), outcome.error().describe());
    }
    if (*outcome == AddOutcome::AlreadyPresent) {
      services_.logger.notice("({}) VIP {} was already present: keeping it, and leaving it in place on exit",
                              config_.name, vip.address.to_string());
    } else {
      vip_added_by_us_[i] = true;
    }
  }
  vip_retry_.held(services_.loop.now());
  vips_added_at_ = services_.loop.now();
  routes_.set();  // after the VIPs: a route may use one as its source
  return std::nullopt;
}

// A master that cannot hold its VIPs goes to FAULT (priority 0: the peer
// takes over after Skew_Time) and rejoins the election after a backoff.
void InstanceRunner::vips_unavailable(const std::string& reason) {
  const auto delay = vip_retry_.failed(services_.loop.now());
  services_.logger.error("({}) cannot hold the VIPs ({}): entering FAULT, retrying in {}", config_.name, reason,
                         common::format_duration(delay));
  vip_fault_ = reason;
  raise_fault(vip_fault_);  // the FSM is MASTER here (perhaps not yet announced): priority 0, FAULT
  vip_retry_timer_.start(delay);
}

void InstanceRunner::retry_vips() {
  if (vip_fault_.empty()) return;
  services_.logger.info("({}) retrying the VIPs: leaving the fault \"{}\"", config_.name, vip_fault_);
  const auto reason = std::exchange(vip_fault_, std::string());
  clear_fault(reason);
}

// rtnetlink reported <address> deleted from <ifindex>: if it is a VIP we
// hold as master and it is really gone (not our own removal racing a
// re-add), someone else removed it.
void InstanceRunner::on_address_removed(int ifindex, const common::net::IpAddress& address) {
  if (fsm_.state() != fsm::State::Master) return;
  for (std::size_t i = 0; i < config_.vips.size(); ++i) {
    const auto& vip = config_.vips[i];
    if (!vip_added_by_us_[i] || vip_ifindex_[i] != ifindex || !(vip.address.network == address)) continue;
    if (address_present(ifindex, address)) return;
    vip_added_by_us_[i] = false;
    const auto& device = vip.device.empty() ? config_.interface : vip.device;
    vips_unavailable(fmt::format("VIP {} was removed from {} by someone else", vip.address.to_string(), device));
    return;
  }
}

void InstanceRunner::remove_vips() {
  routes_.clear();
  if (config_.vips.empty()) return;
  services_.logger.info("({}) removing VIPs.", config_.name);
  for (std::size_t i = 0; i < config_.vips.size(); ++i) {
    if (!vip_added_by_us_[i]) continue;
    vip_added_by_us_[i] = false;
    const auto& vip = config_.vips[i];
    if (const auto r = services_.addresses.remove(vip_ifindex(vip), vip); !r) {
      services_.logger.error("({}) cannot remove VIP {}: {}", config_.name, vip.to_string(), r.error().describe());
    }
  }
}

void InstanceRunner::remove_stale_vips() {
  routes_.clear_stale();
  for (const auto& vip : config_.vips) {
    const auto r = services_.addresses.remove(vip_ifindex(vip), vip);
    if (r && *r == RemoveOutcome::Removed) {
      services_.logger.warning("({}) removed stale VIP {} from {} (left over from an earlier run)", config_.name,
                               vip.address.to_string(), vip.device.empty() ? config_.interface : vip.device);
    }
  }
}

// A VIP on another interface (dev IFACE, a VMAC) is announced there, from
// that interface's MAC, as keepalived does.
common::Result<Announcer*> InstanceRunner::announcer_for(const config::VirtualAddress& vip) {
  const int index = vip_ifindex(vip);
  if (index == ifindex_) return &announcer_;
  if (auto it = announcers_.find(index); it != announcers_.end()) return &it->second;
  auto info = read_interface(vip.device);
  if (!info) return tl::unexpected(info.error());
  auto opened = Announcer::open(info->index, info->mac);
  if (!opened) return tl::unexpected(opened.error());
  return &announcers_.emplace(index, std::move(*opened)).first->second;
}

void InstanceRunner::announce_vips(const char* why) {
  if (fsm_.state() != fsm::State::Master || config_.vips.empty()) return;
  for (const auto& vip : config_.vips) {
    auto announcer = announcer_for(vip);
    if (!announcer) {
      services_.logger.warning("({}) {}", config_.name, announcer.error().describe());
      continue;
    }
    // Sent first, logged after: the log line must not delay the clients.
    for (std::uint32_t n = 0; n < config_.garp_master_repeat; ++n) {
      if (auto r = (*announcer)->announce(vip.address.network); !r) {
        services_.logger.warning("({}) {}", config_.name, r.error().describe());
        break;
      }
      if (n == 0) first_announcement_sent();
    }
    const auto& device = vip.device.empty() ? config_.interface : vip.device;
    services_.logger.info("({}) Sending {} on {} for {}", config_.name,
                          vip.address.network.is_v4() ? "gratuitous ARP" : "unsolicited Neighbour Advert", device,
                          vip.address.network.to_string());
  }
  // The first burst schedules the delayed one (keepalived garp_master_delay)
  // and the periodic refresh, if configured.
  if (std::string_view(why) == "now" && config_.garp_master_delay.count() > 0) {
    garp_delay_timer_.start(config_.garp_master_delay);
  }
  if (config_.garp_master_refresh.count() > 0 && !garp_refresh_timer_.active()) {
    garp_refresh_timer_.start(config_.garp_master_refresh, config_.garp_master_refresh);
  }
}

// The first gratuitous ARP after the VIPs were added: how long it took.
void InstanceRunner::first_announcement_sent() {
  if (!vips_added_at_) return;
  vip_to_garp_ = std::chrono::duration_cast<fsm::Micros>(services_.loop.now() - *vips_added_at_);
  vips_added_at_.reset();
  services_.logger.info("({}) first {} sent {}us after the VIPs were added", config_.name,
                        config_.family() == common::net::Family::V4 ? "gratuitous ARP" : "unsolicited Neighbour Advert",
                        vip_to_garp_->count());
}

nlohmann::json InstanceRunner::lateness_status() const {
  nlohmann::json buckets;
  for (std::size_t i = 0; i < lateness_.buckets().size(); ++i) {
    buckets[fsm::AdvertLateness::bucket_name(i)] = lateness_.buckets()[i];
  }
  return {{"adverts", lateness_.adverts()},
          {"late", lateness_.late()},
          {"max_us", lateness_.max().count()},
          {"buckets", buckets}};
}

nlohmann::json InstanceRunner::status() const {
  nlohmann::json j;
  j["name"] = config_.name;
  j["interface"] = config_.interface;
  j["vrid"] = config_.vrid;
  j["version"] = config_.version;
  j["state"] = std::string(fsm::state_name(fsm_.state()));
  j["priority"] = fsm_.priority();
  j["configured_priority"] = config_.priority;
  j["source"] = source_.to_string();
  j["master"] = fsm_.master() ? nlohmann::json(fsm_.master()->to_string()) : nlohmann::json(nullptr);
  if (const auto last = fsm_.last_advert_received()) {
    j["last_advert_age_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(services_.loop.now() - *last).count();
  } else {
    j["last_advert_age_ms"] = nullptr;
  }
  j["split_brain"] = fsm_.split_brain();
  j["faults"] = faults_;
  auto vips = nlohmann::json::array();
  for (std::size_t i = 0; i < config_.vips.size(); ++i) {
    vips.push_back({{"address", config_.vips[i].address.to_string()}, {"held", vip_added_by_us_[i]}});
  }
  j["vips"] = vips;
  nlohmann::json dropped;
  for (std::size_t i = 0; i < protocol::kDropReasonCount; ++i) {
    dropped[std::string(protocol::describe(static_cast<protocol::DropReason>(i)))] = counters_.dropped[i];
  }
  j["advert_lateness"] = lateness_status();
  j["vip_to_first_garp_us"] = vip_to_garp_ ? nlohmann::json(vip_to_garp_->count()) : nlohmann::json(nullptr);
  j["sole_peer_takeover"] = fsm_.params().sole_peer;
  j["auth_hmac"] = auth_name(config_.auth_hmac);
  nlohmann::json macs = nlohmann::json::object();
  for (const auto& [peer, known] : mac_guard_.peers()) {
    macs[peer.to_string()] = {{"mac", protocol::mac_to_string(known.mac)},
                              {"from", std::string(protocol::describe(known.source))}};
  }
  j["peer_macs"] = macs;
  j["counters"] = {{"adverts_sent", counters_.adverts_sent},
                   {"adverts_received", counters_.adverts_received},
                   {"became_master", counters_.became_master},
                   {"send_errors", counters_.send_errors},
                   {"address_mismatch", counters_.address_mismatch},
                   {"authenticated", counters_.authenticated},
                   {"unauthenticated_accepted", counters_.unauthenticated_accepted},
                   {"interval_mismatch", counters_.interval_mismatch},
                   {"dropped", dropped}};
  return j;
}

}  // namespace vrrpd::io
