// The RFC 5798 6.4 state machine, driven by a manual clock.
#include "vrrpd/core/fsm/vrrp_instance.h"

#include <catch2/catch.hpp>

using namespace vrrpd::fsm;
using namespace std::chrono_literals;
using common::net::IpAddress;

namespace {

const IpAddress kOurs = *IpAddress::parse("10.0.0.11");
const IpAddress kPeer = *IpAddress::parse("10.0.0.12");
const IpAddress kLowerPeer = *IpAddress::parse("10.0.0.5");

InstanceParams v3(std::uint8_t priority, Micros interval = 1s) {
  InstanceParams p;
  p.name = "VI_1";
  p.version = 3;
  p.priority = priority;
  p.advert_interval = interval;
  p.primary_address = kOurs;
  return p;
}

template <class T>
std::vector<T> all_of(const Actions& actions) {
  std::vector<T> out;
  for (const auto& a : actions) {
    if (const auto* x = std::get_if<T>(&a)) out.push_back(*x);
  }
  return out;
}

template <class T>
bool has(const Actions& actions) {
  return !all_of<T>(actions).empty();
}

bool logged(const Actions& actions, const std::string& text) {
  for (const auto& l : all_of<LogLine>(actions)) {
    if (l.text == text) return true;
  }
  return false;
}

std::optional<TimePoint> armed(const Actions& actions, Timer timer) {
  for (const auto& a : all_of<ArmTimer>(actions)) {
    if (a.timer == timer) return a.deadline;
  }
  return std::nullopt;
}

// The index of the first action of type T, or -1.
template <class T>
long first_index(const Actions& actions) {
  for (std::size_t i = 0; i < actions.size(); ++i) {
    if (std::holds_alternative<T>(actions[i])) return static_cast<long>(i);
  }
  return -1;
}

AdvertReceived advert(const IpAddress& from, std::uint8_t priority, Micros interval = 1s) {
  return {from, priority, interval};
}

struct Fixture {
  common::ManualClock clock;
  VrrpInstance fsm;
  explicit Fixture(InstanceParams p) : fsm(std::move(p)) {}
  Actions feed(const Event& e) { return fsm.handle(e, clock.now()); }
  // Starts, lets the master-down timer expire: we are master.
  Actions start_as_master() {
    auto a = feed(Startup{});
    clock.set(*armed(a, Timer::MasterDown));
    return feed(MasterDownExpired{});
  }
};

}  // namespace

TEST_CASE("Skew_Time and Master_Down_Interval per RFC 5798 6.1 and RFC 3768 6.1") {
  VrrpInstance v3_100(v3(100, 100ms));
  CHECK(v3_100.skew_time() == Micros(60'937));  // (256-100)*100ms/256
  CHECK(v3_100.master_down_interval() == Micros(360'937));
  auto p = v3(200);
  p.version = 2;
  VrrpInstance v2_200(p);
  CHECK(v2_200.skew_time() == Micros(218'750));  // (256-200)/256 s
  CHECK(v2_200.master_down_interval() == Micros(3'218'750));
}

TEST_CASE("startup enters backup and arms Master_Down_Timer (RFC 5798 6.4.1)") {
  Fixture f(v3(100));
  const auto a = f.feed(Startup{});
  CHECK(f.fsm.state() == State::Backup);
  CHECK(logged(a, "(VI_1) Entering BACKUP STATE"));
  CHECK(armed(a, Timer::MasterDown) == f.clock.now() + f.fsm.master_down_interval());
  CHECK_FALSE(has<SendAdvert>(a));
  CHECK_FALSE(has<AddVips>(a));
}

TEST_CASE("the address owner (priority 255) becomes master at startup (RFC 5798 6.4.1)") {
  Fixture f(v3(255));
  const auto a = f.feed(Startup{});
  CHECK(f.fsm.state() == State::Master);
  CHECK(all_of<SendAdvert>(a).at(0).priority == 255);
  CHECK(has<AddVips>(a));
  CHECK(has<AnnounceVips>(a));
  CHECK(armed(a, Timer::Advert) == f.clock.now() + 1s);
}

TEST_CASE("backup becomes master when Master_Down_Timer expires (RFC 5798 6.4.2)") {
  Fixture f(v3(100));
  const auto a = f.start_as_master();
  CHECK(f.fsm.state() == State::Master);
  CHECK(logged(a, "(VI_1) Receive advertisement timeout"));
  CHECK(logged(a, "(VI_1) Entering MASTER STATE"));
  CHECK(all_of<SendAdvert>(a).at(0).priority == 100);
  CHECK(has<AddVips>(a));
  CHECK(has<AnnounceVips>(a));
  CHECK(all_of<StateChanged>(a).at(0).from == State::Backup);
  CHECK(f.fsm.master() == kOurs);
}

TEST_CASE("an early or stale timer event changes nothing") {
  Fixture f(v3(100));
  f.feed(Startup{});
  CHECK(f.feed(MasterDownExpired{}).empty());  // deadline not reached
  CHECK(f.fsm.state() == State::Backup);
  CHECK(f.feed(AdvertTimerExpired{}).empty());  // not master
}

TEST_CASE("backup resets Master_Down_Timer on an advert of higher priority (RFC 5798 6.4.2)") {
  Fixture f(v3(100, 100ms));
  f.feed(Startup{});
  f.clock.advance(200ms);
  const auto a = f.feed(advert(kPeer, 200, 100ms));
  CHECK(armed(a, Timer::MasterDown) == f.clock.now() + f.fsm.master_down_interval());
  CHECK(f.fsm.master() == kPeer);
  CHECK(f.fsm.state() == State::Backup);
}

TEST_CASE("backup adopts the master's advert interval (VRRPv3 Master_Adver_Interval)") {
  Fixture f(v3(100, 100ms));
  f.feed(Startup{});
  f.feed(advert(kPeer, 200, 1s));
  CHECK(f.fsm.master_adver_interval() == 1s);
  CHECK(f.fsm.master_down_interval() == 3s + Micros(609'375));
}

TEST_CASE("backup waits only Skew_Time after a priority 0 advert (RFC 5798 6.4.2)") {
  Fixture f(v3(100, 100ms));
  f.feed(Startup{});
  f.feed(advert(kPeer, 200, 100ms));
  const auto a = f.feed(advert(kPeer, 0, 100ms));
  CHECK(logged(a, "(VI_1) Backup received priority 0 advertisement"));
  CHECK(armed(a, Timer::MasterDown) == f.clock.now() + Micros(60'937));
}

TEST_CASE("a backup with a sole peer takes over at once on a priority 0 advert, without Skew_Time") {
  auto p = v3(100, 100ms);
  p.sole_peer = true;
  Fixture f(p);
  f.feed(Startup{});
  f.feed(advert(kPeer, 200, 100ms));
  const auto a = f.feed(advert(kPeer, 0, 100ms));
  CHECK(logged(a, "(VI_1) Backup received priority 0 advertisement"));
  CHECK(logged(a, "(VI_1) sole peer released the VIPs: taking over without Skew_Time"));
  CHECK(f.fsm.state() == State::Master);
  CHECK(has<AddVips>(a));
  CHECK(all_of<SendAdvert>(a).at(0).priority == 100);
  CHECK(armed(a, Timer::Advert) == f.clock.now() + 100ms);
  CHECK_FALSE(armed(a, Timer::MasterDown));
}

TEST_CASE("without the sole peer rule a priority 0 advert still waits Skew_Time") {
  Fixture f(v3(100, 100ms));
  f.feed(Startup{});
  const auto a = f.feed(advert(kPeer, 0, 100ms));
  CHECK(f.fsm.state() == State::Backup);
  CHECK_FALSE(logged(a, "(VI_1) sole peer released the VIPs: taking over without Skew_Time"));
  CHECK(armed(a, Timer::MasterDown) == f.clock.now() + Micros(60'937));
}

TEST_CASE("backup with preempt discards a lower-priority master's adverts and takes over (RFC 5798 6.4.2)") {
  Fixture f(v3(200, 100ms));
  const auto start = f.feed(Startup{});
  const auto deadline = *armed(start, Timer::MasterDown);
  f.clock.advance(100ms);
  CHECK_FALSE(armed(f.feed(advert(kPeer, 100, 100ms)), Timer::MasterDown));
  f.clock.set(deadline);
  f.feed(MasterDownExpired{});
  CHECK(f.fsm.state() == State::Master);
}

TEST_CASE("backup without preempt accepts a lower-priority master") {
  auto p = v3(200, 100ms);
  p.preempt = false;
  Fixture f(p);
  f.feed(Startup{});
  f.clock.advance(100ms);
  CHECK(armed(f.feed(advert(kPeer, 100, 100ms)), Timer::MasterDown));
  CHECK(f.fsm.master() == kPeer);
}

TEST_CASE("preempt_delay tolerates a lower-priority master for that long") {
  auto p = v3(200, 100ms);
  p.preempt_delay = 1s;
  Fixture f(p);
  f.feed(Startup{});
  f.clock.advance(100ms);
  CHECK(armed(f.feed(advert(kPeer, 100, 100ms)), Timer::MasterDown));  // first seen: tolerated
  f.clock.advance(900ms);
  CHECK(armed(f.feed(advert(kPeer, 100, 100ms)), Timer::MasterDown));  // still within the delay
  f.clock.advance(100ms);
  CHECK_FALSE(armed(f.feed(advert(kPeer, 100, 100ms)), Timer::MasterDown));  // delay over: preempt
}

TEST_CASE("master sends an advert on every Adver_Timer expiry (RFC 5798 6.4.3)") {
  Fixture f(v3(100));
  const auto a = f.start_as_master();
  f.clock.set(*armed(a, Timer::Advert));
  const auto tick = f.feed(AdvertTimerExpired{});
  CHECK(all_of<SendAdvert>(tick).size() == 1);
  CHECK(armed(tick, Timer::Advert) == f.clock.now() + 1s);
}

TEST_CASE("a late advert keeps the cadence and reports its lateness") {
  Fixture f(v3(100, 20ms));
  const auto a = f.start_as_master();
  const auto deadline = *armed(a, Timer::Advert);
  f.clock.set(deadline + 7ms);  // the loop was busy
  const auto late = f.feed(AdvertTimerExpired{});
  REQUIRE(all_of<SendAdvert>(late).size() == 1);
  CHECK(all_of<SendAdvert>(late)[0].late == 7ms);
  CHECK(armed(late, Timer::Advert) == deadline + 20ms);  // not now + 20 ms: no drift
  f.clock.set(deadline + 20ms);
  const auto on_time = f.feed(AdvertTimerExpired{});
  CHECK(all_of<SendAdvert>(on_time).at(0).late == 0ms);
  f.clock.set(deadline + 95ms);  // more than an interval behind: restart from now
  const auto far = f.feed(AdvertTimerExpired{});
  CHECK(armed(far, Timer::Advert) == f.clock.now() + 20ms);
}

TEST_CASE("becoming master announces the VIPs and adverts before StateChanged starts notify scripts") {
  Fixture f(v3(100));
  const auto a = f.start_as_master();
  const auto changed = first_index<StateChanged>(a);
  CHECK(first_index<AnnounceVips>(a) < changed);
  CHECK(first_index<SendAdvert>(a) < changed);
  CHECK(first_index<AnnounceVips>(a) < first_index<SendAdvert>(a));
  CHECK(logged(a, "(VI_1) Entering MASTER STATE"));
}

TEST_CASE("master steps down on a higher-priority advert (RFC 5798 6.4.3)") {
  Fixture f(v3(100));
  f.start_as_master();
  const auto a = f.feed(advert(kPeer, 250));
  CHECK(f.fsm.state() == State::Backup);
  CHECK(logged(a, "(VI_1) Master received advert from 10.0.0.12 with higher priority 250, ours 100"));
  CHECK(has<RemoveVips>(a));
  CHECK(has<CancelTimer>(a));
  CHECK(armed(a, Timer::MasterDown));
  // One last advert of ours, so the winner learns a second master existed
  // (keepalived's higher_prio_send_advert) and re-announces the VIP.
  REQUIRE(all_of<SendAdvert>(a).size() == 1);
  CHECK(all_of<SendAdvert>(a)[0].priority == 100);
  CHECK(f.fsm.master() == kPeer);
}

TEST_CASE("master steps down on equal priority from a higher primary address (RFC 5798 6.4.3)") {
  Fixture f(v3(100));
  f.start_as_master();
  const auto a = f.feed(advert(kPeer, 100));
  CHECK(f.fsm.state() == State::Backup);
  CHECK(logged(a,
               "(VI_1) Master received advert from 10.0.0.12 with same priority 100 but higher IP address than "
               "ours"));
}

TEST_CASE("master re-asserts on a lower-priority advert: advert now, and GARPs") {
  Fixture f(v3(200));
  f.start_as_master();
  f.clock.advance(300ms);
  const auto a = f.feed(advert(kPeer, 100));
  CHECK(f.fsm.state() == State::Master);
  CHECK(logged(a, "(VI_1) Received advert from 10.0.0.12 with lower priority 100, ours 200, forcing new election"));
  CHECK(all_of<SendAdvert>(a).at(0).priority == 200);
  CHECK(has<AnnounceVips>(a));
  CHECK(armed(a, Timer::Advert) == f.clock.now() + 1s);
  // Equal priority from a lower address is also ours to keep.
  CHECK(logged(f.feed(advert(kLowerPeer, 200)),
               "(VI_1) Received advert from 10.0.0.5 with lower priority 200, ours "
               "200, forcing new election"));
}

TEST_CASE("a second master is logged as split brain, and its end too") {
  Fixture f(v3(200, 100ms));
  f.start_as_master();
  auto a = f.feed(advert(kPeer, 100, 100ms));
  CHECK(logged(a, "(VI_1) split brain: second MASTER 10.0.0.12 (priority 100, ours 200)"));
  CHECK(f.fsm.split_brain());
  // Repeated adverts do not repeat the line.
  CHECK_FALSE(logged(f.feed(advert(kPeer, 100, 100ms)),
                     "(VI_1) split brain: second MASTER 10.0.0.12 (priority 100, "
                     "ours 200)"));
  // The other node yields: silence for two intervals ends it.
  for (int i = 0; i < 3; ++i) {
    f.clock.advance(100ms);
    a = f.feed(AdvertTimerExpired{});
  }
  CHECK(logged(a, "(VI_1) split brain resolved: 10.0.0.12 yielded"));
  CHECK_FALSE(f.fsm.split_brain());

  // The yielding side logs both ends at once.
  Fixture loser(v3(100, 100ms));
  loser.start_as_master();
  const auto y = loser.feed(advert(kPeer, 200, 100ms));
  CHECK(logged(y, "(VI_1) split brain: second MASTER 10.0.0.12 (priority 200, ours 100)"));
  CHECK(logged(y, "(VI_1) split brain resolved: yielding to 10.0.0.12"));
}

TEST_CASE("master answers a priority 0 advert with its own at once (RFC 5798 6.4.3)") {
  Fixture f(v3(100));
  f.start_as_master();
  const auto a = f.feed(advert(kPeer, 0));
  CHECK(all_of<SendAdvert>(a).at(0).priority == 100);
  CHECK(f.fsm.state() == State::Master);
}

TEST_CASE("shutdown of a master sends priority 0 and removes the VIPs (RFC 5798 6.4.3)") {
  Fixture f(v3(100));
  f.start_as_master();
  const auto a = f.feed(Shutdown{});
  CHECK(all_of<SendAdvert>(a).at(0).priority == 0);
  CHECK(logged(a, "(VI_1) sent 0 priority"));
  CHECK(has<RemoveVips>(a));
  CHECK(f.fsm.state() == State::Initialize);
}

TEST_CASE("shutdown of a backup cancels its timer and sends nothing (RFC 5798 6.4.2)") {
  Fixture f(v3(100));
  f.feed(Startup{});
  const auto a = f.feed(Shutdown{});
  CHECK_FALSE(has<SendAdvert>(a));
  CHECK(all_of<CancelTimer>(a).at(0).timer == Timer::MasterDown);
}

TEST_CASE("a fault on the master hands over at once: priority 0, VIPs removed") {
  Fixture f(v3(200));
  f.start_as_master();
  const auto a = f.feed(FaultRaised{"link down on eth1"});
  CHECK(f.fsm.state() == State::Fault);
  CHECK(logged(a, "(VI_1) Entering FAULT STATE"));
  CHECK(all_of<SendAdvert>(a).at(0).priority == 0);
  CHECK(has<RemoveVips>(a));
  // In FAULT adverts are ignored and nothing is sent.
  CHECK(f.feed(advert(kPeer, 100)).empty());
  // Recovery goes through BACKUP.
  const auto back = f.feed(FaultCleared{});
  CHECK(f.fsm.state() == State::Backup);
  CHECK(armed(back, Timer::MasterDown));
}

TEST_CASE("a fault before startup holds the instance until cleared") {
  Fixture f(v3(100));
  f.feed(FaultRaised{"interface eth1 missing"});
  CHECK(f.fsm.state() == State::Fault);
  f.feed(Startup{});
  CHECK(f.fsm.state() == State::Fault);
  f.feed(FaultCleared{});
  CHECK(f.fsm.state() == State::Backup);
}

TEST_CASE("priority changes are logged and used for the next advert and for skew") {
  Fixture f(v3(100, 100ms));
  f.start_as_master();
  const auto a = f.feed(PriorityChanged{150});
  CHECK(logged(a, "(VI_1) Changing effective priority from 100 to 150"));
  f.clock.advance(100ms);
  CHECK(all_of<SendAdvert>(f.feed(AdvertTimerExpired{})).at(0).priority == 150);
  CHECK(f.fsm.skew_time() == Micros(41'406));
}

TEST_CASE("sync group: a backup follows a member to MASTER, a master follows it back to BACKUP") {
  Fixture f(v3(100));
  f.feed(Startup{});
  auto a = f.feed(GroupMaster{"VI_2"});
  CHECK(f.fsm.state() == State::Master);
  CHECK(logged(a, "(VI_1) sync group member VI_2 is MASTER: following"));
  CHECK(has<AddVips>(a));
  a = f.feed(GroupBackup{"VI_2"});
  CHECK(f.fsm.state() == State::Backup);
  CHECK(has<RemoveVips>(a));
  CHECK(armed(a, Timer::MasterDown));
  // Instances in FAULT do not follow.
  f.feed(FaultRaised{"link"});
  CHECK(f.feed(GroupMaster{"VI_2"}).empty());
}

TEST_CASE("becoming master adds the VIPs before anything announces the new state") {
  Fixture f(v3(100));
  const auto a = f.start_as_master();
  const auto add = first_index<AddVips>(a);
  REQUIRE(add >= 0);
  CHECK(add < first_index<StateChanged>(a));
  CHECK(add < first_index<SendAdvert>(a));
  CHECK(add < first_index<AnnounceVips>(a));
  for (long i = 0; i < add; ++i) {
    const auto* line = std::get_if<LogLine>(&a[static_cast<std::size_t>(i)]);
    CHECK((line == nullptr || line->text.find("MASTER") == std::string::npos));
  }
}

TEST_CASE("a master that cannot hold its VIPs goes to FAULT with priority 0 and comes back as BACKUP") {
  Fixture f(v3(100, 100ms));
  f.start_as_master();  // the adapter stops at AddVips and raises the fault:
  const auto a = f.feed(FaultRaised{"cannot add VIP 10.0.0.10/24: Operation not permitted"});
  CHECK(f.fsm.state() == State::Fault);
  CHECK(all_of<SendAdvert>(a).at(0).priority == 0);
  CHECK(has<RemoveVips>(a));
  CHECK(all_of<StateChanged>(a).at(0).to == State::Fault);
  CHECK(f.fsm.master() == std::nullopt);
  f.clock.advance(1s);
  const auto back = f.feed(FaultCleared{});
  CHECK(f.fsm.state() == State::Backup);
  CHECK_FALSE(has<AddVips>(back));
  CHECK(armed(back, Timer::MasterDown) == f.clock.now() + f.fsm.master_down_interval());
}
