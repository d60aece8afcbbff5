// RAII adapters over libev. A watcher starts when asked and stops in its
// destructor, so an object owning watchers can be destroyed at any time.
// Watchers are neither copyable nor movable (libev keeps their address).
// Callbacks must not throw: exceptions never cross the event loop.
#pragma once

#include <ev.h>

#include <functional>

#include "common/core/time.h"

namespace common::io {

class EventLoop {
 public:
  // The default loop handles signals and children; pass false for a private
  // loop (one per worker thread, or a short-lived loop in a blocking helper).
  explicit EventLoop(bool default_loop = true);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  struct ev_loop* raw() const {
    return loop_;
  }
  bool is_default() const { return !owned_; }
  void run();
  void run_once();  // one iteration, blocking until something happens
  void break_loop();
  // Monotonic time (steady_clock), the time base of every core timer.
  TimePoint now() const;
  void update_now();

 private:
  struct ev_loop* loop_;
  bool owned_;
};

// Clock backed by the loop's cached time: what core state machines get.
class LoopClock final : public Clock {
 public:
  explicit LoopClock(const EventLoop& loop) : loop_(loop) {}
  TimePoint now() const override { return loop_.now(); }

 private:
  const EventLoop& loop_;
};

class IoWatcher {
 public:
  using Callback = std::function<void(int revents)>;
  IoWatcher(EventLoop& loop, Callback callback);
  ~IoWatcher() { stop(); }
  IoWatcher(const IoWatcher&) = delete;
  IoWatcher& operator=(const IoWatcher&) = delete;

  // <events>: EV_READ, EV_WRITE or both. Restarts if already active.
  void start(int fd, int events);
  // Watches <fd> for <events> (0 stops), touching libev only on a change:
  // the cheap call for data paths that recompute interest after each step.
  void update(int fd, int events);
  void stop();
  bool active() const { return ev_is_active(&watcher_); }
  int fd() const { return watcher_.fd; }
  int events() const { return watcher_.events & (EV_READ | EV_WRITE); }

 private:
  static void trampoline(struct ev_loop*, ev_io* w, int revents);
  EventLoop& loop_;
  Callback callback_;
  ev_io watcher_{};
};

class TimerWatcher {
 public:
  using Callback = std::function<void()>;
  TimerWatcher(EventLoop& loop, Callback callback);
  ~TimerWatcher() { stop(); }
  TimerWatcher(const TimerWatcher&) = delete;
  TimerWatcher& operator=(const TimerWatcher&) = delete;

  // Fires once after <after>, then every <repeat> if non-zero. Restarts.
  void start(std::chrono::nanoseconds after, std::chrono::nanoseconds repeat = {});
  // Fires at the loop-time <deadline> (now if already past).
  void start_at(TimePoint deadline);
  void stop();
  bool active() const { return ev_is_active(&watcher_); }
  // Among the watchers pending in one loop iteration, those of a higher
  // priority (up to EV_MAXPRI) run first. Stops the timer.
  void set_priority(int priority);

 private:
  static void trampoline(struct ev_loop*, ev_timer* w, int revents);
  EventLoop& loop_;
  Callback callback_;
  ev_timer watcher_{};
};

class SignalWatcher {
 public:
  using Callback = std::function<void(int signo)>;
  // Requires the default loop. Starts at once.
  SignalWatcher(EventLoop& loop, int signo, Callback callback);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  static void trampoline(struct ev_loop*, ev_signal* w, int revents);
  EventLoop& loop_;
  Callback callback_;
  ev_signal watcher_{};
};

class ChildWatcher {
 public:
  // <status> as from waitpid(). Requires the default loop. Starts at once.
  using Callback = std::function<void(int pid, int status)>;
  ChildWatcher(EventLoop& loop, int pid, Callback callback);
  ~ChildWatcher();
  ChildWatcher(const ChildWatcher&) = delete;
  ChildWatcher& operator=(const ChildWatcher&) = delete;

 private:
  static void trampoline(struct ev_loop*, ev_child* w, int revents);
  EventLoop& loop_;
  Callback callback_;
  ev_child watcher_{};
};

// Wakes a loop from another thread (reload fan-out to worker loops).
class AsyncWatcher {
 public:
  using Callback = std::function<void()>;
  AsyncWatcher(EventLoop& loop, Callback callback);
  ~AsyncWatcher();
  AsyncWatcher(const AsyncWatcher&) = delete;
  AsyncWatcher& operator=(const AsyncWatcher&) = delete;
  void send();  // thread-safe

 private:
  static void trampoline(struct ev_loop*, ev_async* w, int revents);
  EventLoop& loop_;
  Callback callback_;
  ev_async watcher_{};
};

}  // namespace common::io
