// Realtime scheduling and locked memory, so that 10-20 ms adverts leave on
// time whatever else the node is doing (keepalived's vrrp_rt_priority,
// vrrp_no_swap and vrrp_rlimit_rttime).
//
// SCHED_RR with SCHED_RESET_ON_FORK: notify and track scripts start with
// normal scheduling. RLIMIT_RTTIME bounds the CPU time vrrpd may use at that
// priority without sleeping: past it the kernel sends SIGXCPU, and vrrpd
// drops to normal scheduling for a second (logged and counted) instead of
// being killed as keepalived is; a loop that is really stuck reaches the
// hard limit one second later and is killed (systemd restarts it).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/core/log/logger.h"
#include "common/core/result.h"
#include "common/io/event_loop.h"
#include "vrrpd/core/config/vrrp_config.h"

namespace vrrpd::io {

// "SCHED_RR 50", "SCHED_OTHER", ...: this process's policy now.
std::string scheduling_description();

class Realtime {
 public:
  Realtime(common::io::EventLoop& loop, common::log::Logger& logger);
  Realtime(const Realtime&) = delete;
  Realtime& operator=(const Realtime&) = delete;

  // Applies [global]'s realtime_priority, rlimit_rttime and no_swap (at
  // start and on reload). A failure is logged and vrrpd runs on without.
  void apply(const config::Global& global);
  std::uint64_t demotions() const { return demotions_; }
  bool memory_locked() const { return locked_; }

 private:
  void on_cpu_limit();
  void restore();

  common::log::Logger& logger_;
  std::uint32_t priority_ = 0;
  std::chrono::milliseconds rttime_{0};
  bool locked_ = false;
  std::uint64_t demotions_ = 0;
  common::io::SignalWatcher cpu_limit_;
  common::io::TimerWatcher restore_timer_;
};

}  // namespace vrrpd::io
