#include "vrrpd/io/realtime.h"

#include <fmt/format.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>

namespace vrrpd::io {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

common::Status set_policy(std::uint32_t priority, std::chrono::milliseconds rttime) {
  if (priority > 0) {
    const auto soft = static_cast<rlim_t>(std::chrono::microseconds(rttime).count());
    const rlimit limit{soft, soft + 1'000'000};
    if (::setrlimit(RLIMIT_RTTIME, &limit) != 0) return common::sys_fail(errno, "setrlimit(RLIMIT_RTTIME)");
  }
  sched_param param{};
  param.sched_priority = static_cast<int>(priority);
  const int policy = priority > 0 ? SCHED_RR | SCHED_RESET_ON_FORK : SCHED_OTHER;
  if (::sched_setscheduler(0, policy, &param) != 0) {
    return common::sys_fail(errno, "sched_setscheduler({})", priority > 0 ? "SCHED_RR" : "SCHED_OTHER");
  }
  return {};
}

// Every page now and later, populated at once; under AddressSanitizer (test
// builds), whose shadow is terabytes of reserved address space, pages are
// locked as they are touched instead. Through syscall(2): the sanitizers'
// mlockall() is a no-op.
common::Status lock_all() {
  long flags = MCL_CURRENT | MCL_FUTURE;
  if (kSanitized) flags |= MCL_ONFAULT;
  if (::syscall(SYS_mlockall, flags) != 0) return common::sys_fail(errno, "mlockall");
  return {};
}

}  // namespace

std::string scheduling_description() {
  const int policy = ::sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;
  sched_param param{};
  (void)::sched_getparam(0, &param);
  switch (policy) {
    case SCHED_RR:
      return fmt::format("SCHED_RR {}", param.sched_priority);
    case SCHED_FIFO:
      return fmt::format("SCHED_FIFO {}", param.sched_priority);
    case SCHED_OTHER:
      return "SCHED_OTHER";
    default:
      return fmt::format("policy {}", policy);
  }
}

Realtime::Realtime(common::io::EventLoop& loop, common::log::Logger& logger)
    : logger_(logger),
      cpu_limit_(loop, SIGXCPU, [this](int) { on_cpu_limit(); }),
      restore_timer_(loop, [this] { restore(); }) {}

void Realtime::apply(const config::Global& global) {
  if (global.realtime_priority != priority_ || global.rlimit_rttime != rttime_) {
    restore_timer_.stop();
    priority_ = global.realtime_priority;
    rttime_ = global.rlimit_rttime;
    if (auto set = set_policy(priority_, rttime_); !set) {
      logger_.error("cannot set realtime_priority {}: {} (running with {})", priority_, set.error().describe(),
                    scheduling_description());
    } else if (priority_ > 0) {
      logger_.info("realtime scheduling: SCHED_RR priority {} (rlimit_rttime {})", priority_,
                   common::format_duration(rttime_));
    } else {
      logger_.info("normal scheduling (SCHED_OTHER)");
    }
  }
  if (global.no_swap && !locked_) {
    if (auto locked = lock_all(); !locked) {
      logger_.error("cannot lock memory (no_swap): {}", locked.error().describe());
    } else {
      locked_ = true;
      logger_.info("memory locked (no_swap)");
    }
  } else if (!global.no_swap && locked_) {
    (void)::syscall(SYS_munlockall);
    locked_ = false;
    logger_.info("memory unlocked (no_swap off)");
  }
}

// SIGXCPU: vrrpd ran rlimit_rttime at realtime priority without sleeping.
void Realtime::on_cpu_limit() {
  if (priority_ == 0 || restore_timer_.active()) return;
  ++demotions_;
  (void)set_policy(0, rttime_);
  logger_.warning("ran {} at realtime priority without sleeping (rlimit_rttime): normal scheduling for 1s",
                  common::format_duration(rttime_));
  restore_timer_.start(std::chrono::seconds(1));
}

void Realtime::restore() {
  if (priority_ == 0) return;
  if (auto set = set_policy(priority_, rttime_); !set) {
    logger_.error("cannot restore realtime_priority {}: {}", priority_, set.error().describe());
    return;
  }
  logger_.info("realtime scheduling restored: SCHED_RR priority {}", priority_);
}

}  // namespace vrrpd::io
