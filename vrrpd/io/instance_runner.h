// One VRRP instance at run time: feeds the pure state machine with the
// events the kernel and the timers produce, and carries out the actions it
// returns (adverts, VIPs through netlink, gratuitous ARPs, timers, logs).
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/log/logger.h"
#include "common/core/log/rate_limiter.h"
#include "common/io/event_loop.h"
#include "vrrpd/core/config/vrrp_config.h"
#include "vrrpd/core/fsm/advert_lateness.h"
#include "vrrpd/core/fsm/vip_retry.h"
#include "vrrpd/core/fsm/vrrp_instance.h"
#include "vrrpd/core/protocol/advert_auth.h"
#include "vrrpd/core/protocol/advert_validation.h"
#include "vrrpd/core/protocol/peer_mac.h"
#include "vrrpd/io/announcer.h"
#include "vrrpd/io/netlink_addresses.h"
#include "vrrpd/io/netlink_routes.h"
#include "vrrpd/io/route_set.h"
#include "vrrpd/io/vrrp_socket.h"

namespace vrrpd::io {

// What all instances of the process share.
struct SharedServices {
  common::io::EventLoop& loop;
  common::log::Logger& logger;
  NetlinkAddresses& addresses;
  NetlinkRoutes& routes;
  common::log::RateLimiter& drop_log_limiter;
};

class InstanceRunner {
 public:
  using StateListener = std::function<void(const InstanceRunner&, fsm::State from, fsm::State to)>;

  // Fails when the interface is unknown or the sockets cannot be opened.
  static common::Result<std::unique_ptr<InstanceRunner>> create(SharedServices services, config::Instance config);
  ~InstanceRunner();

  // Removes VIPs left over from an earlier run, then starts the election
  // (or waits in FAULT when the link is down).
  void start();
  // Leaves cleanly: a master sends priority 0 and removes its VIPs.
  void stop();

  void on_advert(const ReceivedPacket& packet, const protocol::Decoded& decoded);
  // A reload's auth_hmac settings (new keys, mode, active key): taken in
  // place, without a transition. On failure the running ones stay.
  common::Status update_auth(const config::Instance& wanted);
  // A reload: learned peer MACs are forgotten (how a replaced NIC is accepted).
  void forget_peer_macs() { mac_guard_.forget(); }
  void on_link(bool up);
  // rtnetlink: <address> was deleted from interface <ifindex>.
  void on_address_removed(int ifindex, const common::net::IpAddress& address);
  // Faults by reason (link down, a tracker, a sync group member): the
  // instance is in FAULT while any is raised.
  void raise_fault(const std::string& reason);
  void clear_fault(const std::string& reason);
  void clear_faults_starting_with(std::string_view prefix);
  const std::vector<std::string>& faults() const { return faults_; }
  // The effective priority (trackers' weights applied).
  void set_priority(std::uint8_t priority);
  std::uint8_t priority() const { return fsm_.priority(); }
  // A sync group member's transition to follow.
  void follow(const fsm::Event& event) { feed(event); }

  void set_state_listener(StateListener listener) { listener_ = std::move(listener); }
  const config::Instance& config() const { return config_; }
  int ifindex() const { return ifindex_; }
  const common::net::IpAddress& source() const { return source_; }
  fsm::State state() const { return fsm_.state(); }
  nlohmann::json status() const;

 private:
  InstanceRunner(SharedServices services, config::Instance config, int ifindex, common::net::IpAddress source,
                 VrrpSendSocket socket, Announcer announcer, bool link_up, protocol::AuthSettings auth);
  // The outcome, or nothing (logged, counted) when auth_hmac drops the advert.
  std::optional<protocol::AuthOutcome> authenticate(const ReceivedPacket& packet, const protocol::Decoded& decoded);
  // False (logged, counted) when the advert comes from another MAC than the
  // peer's and auth_hmac did not prove it authentic.
  bool check_peer_mac(const ReceivedPacket& packet, bool authenticated);
  void feed(const fsm::Event& event);
  void perform(const fsm::Action& action);
  void send_advert(const fsm::SendAdvert& advert);
  void report_lateness(fsm::Micros late);
  void first_announcement_sent();
  nlohmann::json lateness_status() const;
  // The first failure, if any VIP could not be added.
  std::optional<std::string> add_vips();
  void vips_unavailable(const std::string& reason);
  void retry_vips();
  void remove_vips();
  void announce_vips(const char* why);
  void remove_stale_vips();
  void log_drop(const common::net::IpAddress& sender, std::string_view key, const std::string& detail);
  int vip_ifindex(const config::VirtualAddress& vip) const;
  // The announcer of the interface <vip> lives on (its MAC), opened on first use.
  common::Result<Announcer*> announcer_for(const config::VirtualAddress& vip);

  SharedServices services_;
  config::Instance config_;
  int ifindex_;
  common::net::IpAddress source_;
  VrrpSendSocket socket_;
  Announcer announcer_;                  // on the instance's interface
  std::map<int, Announcer> announcers_;  // on the other interfaces of VIPs (dev, a VMAC), by ifindex
  bool link_up_;
  std::vector<std::string> faults_;  // active fault reasons
  fsm::VrrpInstance fsm_;
  protocol::Expectation expectation_;
  protocol::Advert advert_template_;
  std::vector<common::net::IpAddress> destinations_;
  std::vector<int> vip_ifindex_;
  std::vector<bool> vip_added_by_us_;
  common::io::TimerWatcher advert_timer_;
  common::io::TimerWatcher master_down_timer_;
  common::io::TimerWatcher garp_delay_timer_;
  common::io::TimerWatcher garp_refresh_timer_;
  fsm::VipRetry vip_retry_;
  std::string vip_fault_;  // the fault raised because the VIPs could not be held
  common::io::TimerWatcher vip_retry_timer_;
  RouteSet routes_;  // virtual_routes and virtual_rules, while MASTER
  StateListener listener_;
  fsm::AdvertLateness lateness_;
  protocol::AdvertAuthenticator auth_;
  protocol::PeerMacGuard mac_guard_;
  // Takeover: when the VIPs were added, and how long until the first
  // gratuitous ARP (or unsolicited NA) left.
  std::optional<common::TimePoint> vips_added_at_;
  std::optional<fsm::Micros> vip_to_garp_;

  struct Counters {
    std::uint64_t adverts_sent = 0;
    std::uint64_t adverts_received = 0;
    std::uint64_t became_master = 0;
    std::uint64_t send_errors = 0;
    std::array<std::uint64_t, protocol::kDropReasonCount> dropped{};
    std::uint64_t address_mismatch = 0;
    std::uint64_t interval_mismatch = 0;
    std::uint64_t authenticated = 0;
    std::uint64_t unauthenticated_accepted = 0;
  } counters_;
};

}  // namespace vrrpd::io
