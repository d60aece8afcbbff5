// The VRRP state machine of one virtual router, RFC 5798 6.4 (which also
// covers RFC 3768's v2 behaviour, apart from the skew formula), plus the
// FAULT state keepalived users rely on (link down, failed tracker).
//
// Pure: events and the current time in, actions out. The adapters send the
// adverts, move the VIPs, arm the timers and log the lines it returns.
//
// Becoming master starts with AddVips, before the state change is announced.
// An adapter that cannot add the VIPs stops carrying out the batch there and
// feeds FaultRaised: the instance then sends priority 0, removes what it did
// add and enters FAULT, so a node that cannot hold its VIPs never claims them
// (vip_retry.h says when it tries again).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/core/address.h"
#include "common/core/log/logger.h"
#include "common/core/time.h"

namespace vrrpd::fsm {

using Micros = std::chrono::microseconds;
using common::TimePoint;

enum class State { Initialize, Backup, Master, Fault };
// "INIT", "BACKUP", "MASTER", "FAULT" (keepalived's words).
std::string_view state_name(State state);

struct InstanceParams {
  std::string name;             // "VI_1"
  std::uint8_t version = 3;     // 2: RFC 3768 skew, 3: RFC 5798 skew
  std::uint8_t priority = 100;  // effective priority at start
  Micros advert_interval{1'000'000};
  bool preempt = true;
  Micros preempt_delay{0};
  common::net::IpAddress primary_address;  // our advert source, for ties
  // A backup with exactly one peer takes over at once on a priority-0 advert:
  // Skew_Time only orders several backups, and there is none to wait for
  // (the adapter decides: one unicast peer, skew_on_priority_zero = auto).
  bool sole_peer = false;
};

// Events
struct Startup {};
struct Shutdown {};
struct AdvertReceived {
  common::net::IpAddress source;
  std::uint8_t priority = 0;
  Micros interval{0};
};
struct MasterDownExpired {};
struct AdvertTimerExpired {};
struct FaultRaised {
  std::string reason;
};
struct FaultCleared {};
struct PriorityChanged {
  std::uint8_t priority = 0;
};
// A sync group member changed state: the others follow (keepalived
// vrrp_sync_group). <member> names it in the log.
struct GroupMaster {
  std::string member;
};
struct GroupBackup {
  std::string member;
};
using Event = std::variant<Startup, Shutdown, AdvertReceived, MasterDownExpired, AdvertTimerExpired, FaultRaised,
                           FaultCleared, PriorityChanged, GroupMaster, GroupBackup>;

// Actions
enum class Timer { Advert, MasterDown };
struct SendAdvert {
  std::uint8_t priority = 0;
  // Sent by the advert timer this much after its deadline (absent when not
  // sent by the timer): the adapter reports late adverts (advert_lateness.h).
  std::optional<Micros> late;
};
struct AddVips {};
struct RemoveVips {};
struct AnnounceVips {};  // gratuitous ARP / unsolicited NA burst (and its delayed repeat)
struct ArmTimer {
  Timer timer;
  TimePoint deadline;
};
struct CancelTimer {
  Timer timer;
};
struct StateChanged {
  State from;
  State to;
};
struct LogLine {
  common::log::Level level;
  std::string text;
};
using Action =
    std::variant<SendAdvert, AddVips, RemoveVips, AnnounceVips, ArmTimer, CancelTimer, StateChanged, LogLine>;
using Actions = std::vector<Action>;

class VrrpInstance {
 public:
  explicit VrrpInstance(InstanceParams params);

  // Feeds one event at <now>; returns what to do, in order.
  Actions handle(const Event& event, TimePoint now);

  State state() const { return state_; }
  std::uint8_t priority() const { return params_.priority; }
  const InstanceParams& params() const { return params_; }
  // The current master's address (ours when master), if known.
  std::optional<common::net::IpAddress> master() const { return master_; }
  std::optional<TimePoint> last_advert_received() const { return last_advert_; }
  bool split_brain() const { return other_master_.has_value(); }
  Micros master_adver_interval() const { return master_adver_interval_; }

  // RFC 5798 6.1: Skew_Time and Master_Down_Interval for the current
  // priority and Master_Adver_Interval.
  Micros skew_time() const;
  Micros master_down_interval() const;

 private:
  void on(const Startup&, TimePoint now, Actions& out);
  void on(const Shutdown&, TimePoint now, Actions& out);
  void on(const AdvertReceived&, TimePoint now, Actions& out);
  void on(const MasterDownExpired&, TimePoint now, Actions& out);
  void on(const AdvertTimerExpired&, TimePoint now, Actions& out);
  void on(const FaultRaised&, TimePoint now, Actions& out);
  void on(const FaultCleared&, TimePoint now, Actions& out);
  void on(const PriorityChanged&, TimePoint now, Actions& out);
  void on(const GroupMaster&, TimePoint now, Actions& out);
  void on(const GroupBackup&, TimePoint now, Actions& out);

  void backup_receives(const AdvertReceived& advert, TimePoint now, Actions& out);
  void master_receives(const AdvertReceived& advert, TimePoint now, Actions& out);
  void become_master(TimePoint now, Actions& out);
  void become_backup(TimePoint now, Actions& out);
  void leave_master(Actions& out);
  void arm_master_down(TimePoint deadline, Actions& out);
  void arm_advert(TimePoint now, Actions& out);
  void arm_next_advert(TimePoint now, Actions& out);
  void enter_master_state(Actions& out);
  void enter(State next, Actions& out);
  void log(Actions& out, common::log::Level level, std::string text) const;
  void end_split_brain(std::string_view how, Actions& out);

  InstanceParams params_;
  State state_ = State::Initialize;
  Micros master_adver_interval_;
  std::optional<TimePoint> master_down_deadline_;
  std::optional<TimePoint> advert_deadline_;
  std::optional<common::net::IpAddress> master_;
  std::optional<TimePoint> last_advert_;
  std::optional<TimePoint> lower_master_since_;         // preempt_delay bookkeeping
  std::optional<common::net::IpAddress> other_master_;  // split brain: another MASTER heard
  std::optional<TimePoint> other_master_seen_;
  std::string fault_reason_;
};

}  // namespace vrrpd::fsm
