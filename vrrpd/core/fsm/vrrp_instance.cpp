#include "vrrpd/core/fsm/vrrp_instance.h"

#include <fmt/format.h>

#include <algorithm>

namespace vrrpd::fsm {

using common::log::Level;

std::string_view state_name(State state) {
  switch (state) {
    case State::Initialize:
      return "INIT";
    case State::Backup:
      return "BACKUP";
    case State::Master:
      return "MASTER";
    case State::Fault:
      return "FAULT";
  }
  return "UNKNOWN";
}

VrrpInstance::VrrpInstance(InstanceParams params)
    : params_(std::move(params)), master_adver_interval_(params_.advert_interval) {}

Micros VrrpInstance::skew_time() const {
  const auto weight = 256 - static_cast<std::int64_t>(params_.priority);
  if (params_.version == 2) return Micros(weight * 1'000'000 / 256);  // RFC 3768 6.1
  return Micros(weight * master_adver_interval_.count() / 256);       // RFC 5798 6.1
}

Micros VrrpInstance::master_down_interval() const {
  return 3 * master_adver_interval_ + skew_time();
}

Actions VrrpInstance::handle(const Event& event, TimePoint now) {
  Actions out;
  std::visit([&](const auto& e) { on(e, now, out); }, event);
  return out;
}

void VrrpInstance::log(Actions& out, Level level, std::string text) const {
  out.push_back(LogLine{level, fmt::format("({}) {}", params_.name, text)});
}

void VrrpInstance::enter(State next, Actions& out) {
  const State from = state_;
  state_ = next;
  log(out, Level::Info, fmt::format("Entering {} STATE", state_name(next)));
  out.push_back(StateChanged{from, next});
}

void VrrpInstance::arm_master_down(TimePoint deadline, Actions& out) {
  master_down_deadline_ = deadline;
  out.push_back(ArmTimer{Timer::MasterDown, deadline});
}

void VrrpInstance::arm_advert(TimePoint now, Actions& out) {
  advert_deadline_ = now + params_.advert_interval;
  out.push_back(ArmTimer{Timer::Advert, *advert_deadline_});
}

// The timer's cadence does not drift with the loop's lateness: the next
// advert is due one interval after the previous deadline (a late advert is
// followed by a shorter gap), unless we are a whole interval behind.
void VrrpInstance::arm_next_advert(TimePoint now, Actions& out) {
  TimePoint next = *advert_deadline_ + params_.advert_interval;
  if (next <= now) next = now + params_.advert_interval;
  advert_deadline_ = next;
  out.push_back(ArmTimer{Timer::Advert, next});
}

// RFC 5798 6.4.1: the owner (255) becomes master at once, others wait in
// backup for Master_Down_Interval. keepalived 2.x starts `state MASTER`
// instances in backup as well: a restarted node never steals the VIP before
// it has listened for a master.
void VrrpInstance::on(const Startup&, TimePoint now, Actions& out) {
  if (state_ != State::Initialize) return;
  if (params_.priority == 255) {
    become_master(now, out);
  } else {
    become_backup(now, out);
  }
}

void VrrpInstance::become_backup(TimePoint now, Actions& out) {
  master_adver_interval_ = params_.advert_interval;
  master_.reset();
  lower_master_since_.reset();
  enter(State::Backup, out);
  arm_master_down(now + master_down_interval(), out);
}

void VrrpInstance::become_master(TimePoint now, Actions& out) {
  if (master_down_deadline_) {
    master_down_deadline_.reset();
    out.push_back(CancelTimer{Timer::MasterDown});
  }
  // AddVips first: an adapter that cannot add them stops carrying out this
  // batch there (no MASTER line, no notify, no advert, no gratuitous ARP for
  // an address we do not hold) and feeds FaultRaised instead.
  out.push_back(AddVips{});
  enter_master_state(out);
  arm_advert(now, out);
}

// Clients first: the gratuitous ARPs leave right after the VIPs are added
// and the advert right after them, before StateChanged starts notify
// scripts, mails and sync group members (each of which may take time).
// The log keeps keepalived's order ("Entering MASTER STATE" first).
void VrrpInstance::enter_master_state(Actions& out) {
  const State from = state_;
  state_ = State::Master;
  log(out, Level::Info, "Entering MASTER STATE");
  master_ = params_.primary_address;
  out.push_back(AnnounceVips{});
  out.push_back(SendAdvert{params_.priority, std::nullopt});
  out.push_back(StateChanged{from, State::Master});
}

void VrrpInstance::leave_master(Actions& out) {
  advert_deadline_.reset();
  out.push_back(CancelTimer{Timer::Advert});
  out.push_back(RemoveVips{});
}

void VrrpInstance::on(const Shutdown&, TimePoint, Actions& out) {
  switch (state_) {
    case State::Master:
      // RFC 5798 6.4.3: a priority-0 advert lets the backup take over after
      // Skew_Time instead of Master_Down_Interval.
      out.push_back(SendAdvert{0, std::nullopt});
      log(out, Level::Info, "sent 0 priority");
      leave_master(out);
      break;
    case State::Backup:
      master_down_deadline_.reset();
      out.push_back(CancelTimer{Timer::MasterDown});
      break;
    case State::Initialize:
    case State::Fault:
      break;
  }
  if (state_ != State::Initialize) enter(State::Initialize, out);
}

void VrrpInstance::on(const AdvertReceived& advert, TimePoint now, Actions& out) {
  last_advert_ = now;
  switch (state_) {
    case State::Backup:
      backup_receives(advert, now, out);
      break;
    case State::Master:
      master_receives(advert, now, out);
      break;
    case State::Initialize:
    case State::Fault:
      break;  // not participating
  }
}

// RFC 5798 6.4.2, "If an ADVERTISEMENT is received".
void VrrpInstance::backup_receives(const AdvertReceived& advert, TimePoint now, Actions& out) {
  if (advert.priority == 0) {
    log(out, Level::Info, "Backup received priority 0 advertisement");
    if (params_.sole_peer) {
      log(out, Level::Info, "sole peer released the VIPs: taking over without Skew_Time");
      become_master(now, out);
      return;
    }
    arm_master_down(now + skew_time(), out);
    return;
  }
  const bool lower = advert.priority < params_.priority;
  if (lower && params_.preempt) {
    // preempt_delay (keepalived): tolerate a lower-priority master for a
    // while after first hearing it, then let the down timer fire.
    if (!lower_master_since_) lower_master_since_ = now;
    if (now - *lower_master_since_ >= params_.preempt_delay) return;  // discard: we will preempt
  } else {
    lower_master_since_.reset();
  }
  master_ = advert.source;
  if (params_.version == 3) master_adver_interval_ = advert.interval;
  arm_master_down(now + master_down_interval(), out);
}

// RFC 5798 6.4.3, "If an ADVERTISEMENT is received". Any advert with a
// non-zero priority while we are master means a second master exists (a
// healed partition, a preemption, or config drift): it is logged as split
// brain, and again when it ends.
void VrrpInstance::master_receives(const AdvertReceived& advert, TimePoint now, Actions& out) {
  if (advert.priority == 0) {
    out.push_back(SendAdvert{params_.priority, std::nullopt});
    arm_advert(now, out);
    return;
  }
  if (!other_master_) {
    log(out, Level::Warning,
        fmt::format("split brain: second MASTER {} (priority {}, ours {})", advert.source.to_string(), advert.priority,
                    params_.priority));
  }
  other_master_ = advert.source;
  other_master_seen_ = now;
  const bool higher = advert.priority > params_.priority;
  const bool tie_won_by_peer = advert.priority == params_.priority && params_.primary_address < advert.source;
  if (higher || tie_won_by_peer) {
    log(out, Level::Info,
        higher ? fmt::format("Master received advert from {} with higher priority {}, ours {}",
                             advert.source.to_string(), advert.priority, params_.priority)
               : fmt::format("Master received advert from {} with same priority {} but higher IP address than ours",
                             advert.source.to_string(), advert.priority));
    end_split_brain(fmt::format("yielding to {}", advert.source.to_string()), out);
    // One last advert before yielding (keepalived's higher_prio_send_advert):
    // after a healed partition the winner may otherwise never hear that
    // another master existed, and would not re-announce the VIP to clients
    // whose ARP caches still point here.
    out.push_back(SendAdvert{params_.priority, std::nullopt});
    leave_master(out);
    if (params_.version == 3) master_adver_interval_ = advert.interval;
    master_ = advert.source;
    lower_master_since_.reset();
    enter(State::Backup, out);
    arm_master_down(now + master_down_interval(), out);
    return;
  }
  // A lower-priority master: re-assert at once so it yields, and re-announce
  // the VIPs so traffic that followed its ARPs comes back.
  log(out, Level::Info,
      fmt::format("Received advert from {} with lower priority {}, ours {}, forcing new election",
                  advert.source.to_string(), advert.priority, params_.priority));
  out.push_back(SendAdvert{params_.priority, std::nullopt});
  out.push_back(AnnounceVips{});
  arm_advert(now, out);
}

void VrrpInstance::end_split_brain(std::string_view how, Actions& out) {
  if (!other_master_) return;
  log(out, Level::Notice, fmt::format("split brain resolved: {}", how));
  other_master_.reset();
  other_master_seen_.reset();
}

// Timers may fire a hair early (clock rounding in the event loop).
constexpr Micros kTimerSlack{1000};

void VrrpInstance::on(const MasterDownExpired&, TimePoint now, Actions& out) {
  if (state_ != State::Backup || !master_down_deadline_ || now + kTimerSlack < *master_down_deadline_) return;  // stale
  master_down_deadline_.reset();
  log(out, Level::Info, "Receive advertisement timeout");
  become_master(now, out);
}

void VrrpInstance::on(const AdvertTimerExpired&, TimePoint now, Actions& out) {
  if (state_ != State::Master || !advert_deadline_ || now + kTimerSlack < *advert_deadline_) return;  // stale
  const auto late = std::chrono::duration_cast<Micros>(now - *advert_deadline_);
  out.push_back(SendAdvert{params_.priority, std::max(late, Micros{0})});
  arm_next_advert(now, out);
  // The other master yielded if it stayed silent for two of our intervals.
  if (other_master_seen_ && now - *other_master_seen_ > 2 * params_.advert_interval) {
    end_split_brain(fmt::format("{} yielded", other_master_->to_string()), out);
  }
}

void VrrpInstance::on(const FaultRaised& fault, TimePoint, Actions& out) {
  fault_reason_ = fault.reason;
  if (state_ == State::Fault || state_ == State::Initialize) {
    if (state_ == State::Initialize) enter(State::Fault, out);
    return;
  }
  if (state_ == State::Master) {
    out.push_back(SendAdvert{0, std::nullopt});
    log(out, Level::Info, "sent 0 priority");
    end_split_brain("we entered FAULT", out);
    leave_master(out);
  } else {
    master_down_deadline_.reset();
    out.push_back(CancelTimer{Timer::MasterDown});
  }
  master_.reset();
  enter(State::Fault, out);
}

void VrrpInstance::on(const FaultCleared&, TimePoint now, Actions& out) {
  if (state_ != State::Fault) return;
  fault_reason_.clear();
  if (params_.priority == 255) {
    become_master(now, out);
  } else {
    become_backup(now, out);
  }
}

void VrrpInstance::on(const PriorityChanged& change, TimePoint, Actions& out) {
  if (change.priority == params_.priority) return;
  log(out, Level::Info, fmt::format("Changing effective priority from {} to {}", params_.priority, change.priority));
  params_.priority = change.priority;
  // A master advertises the new priority with its next advert; a backup
  // with preempt whose priority now beats the master lets the down timer run
  // (the master's next, lower, advert is discarded).
}

void VrrpInstance::on(const GroupMaster& group, TimePoint now, Actions& out) {
  if (state_ != State::Backup) return;
  log(out, Level::Info, fmt::format("sync group member {} is MASTER: following", group.member));
  become_master(now, out);
}

void VrrpInstance::on(const GroupBackup& group, TimePoint now, Actions& out) {
  if (state_ != State::Master) return;
  log(out, Level::Info, fmt::format("sync group member {} left MASTER: following", group.member));
  end_split_brain("sync group left MASTER", out);
  leave_master(out);
  master_.reset();
  enter(State::Backup, out);
  arm_master_down(now + master_down_interval(), out);
}

}  // namespace vrrpd::fsm
