#include "common/io/event_loop.h"

#include <cstdlib>

namespace common::io {
namespace {

double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

EventLoop::EventLoop(bool default_loop)
    : loop_(default_loop ? ev_default_loop(EVFLAG_AUTO) : ev_loop_new(EVFLAG_AUTO)), owned_(!default_loop) {
  if (loop_ == nullptr) std::abort();  // no usable backend: nothing can run
}

EventLoop::~EventLoop() {
  if (owned_) ev_loop_destroy(loop_);
}

void EventLoop::run() {
  ev_run(loop_, 0);
}
void EventLoop::run_once() {
  ev_run(loop_, EVRUN_ONCE);
}
void EventLoop::break_loop() {
  ev_break(loop_, EVBREAK_ALL);
}
void EventLoop::update_now() {
  ev_now_update(loop_);
}

TimePoint EventLoop::now() const {
  // ev_now() is wall-clock time, which may jump; protocol timers need the
  // monotonic clock (libev's own timers run on it too). Reading it is a vDSO
  // call, cheap enough per callback.
  return SteadyClock::now();
}

IoWatcher::IoWatcher(EventLoop& loop, Callback callback) : loop_(loop), callback_(std::move(callback)) {
  ev_init(&watcher_, trampoline);
  watcher_.data = this;
}

void IoWatcher::start(int fd, int events) {
  stop();
  ev_io_set(&watcher_, fd, events);
  ev_io_start(loop_.raw(), &watcher_);
}

void IoWatcher::stop() {
  ev_io_stop(loop_.raw(), &watcher_);
}

void IoWatcher::update(int fd, int events) {
  if (events == 0) {
    stop();
    return;
  }
  if (active() && watcher_.fd == fd && this->events() == events) return;
  start(fd, events);
}

void IoWatcher::trampoline(struct ev_loop*, ev_io* w, int revents) {
  static_cast<IoWatcher*>(w->data)->callback_(revents);
}

TimerWatcher::TimerWatcher(EventLoop& loop, Callback callback) : loop_(loop), callback_(std::move(callback)) {
  ev_init(&watcher_, trampoline);
  watcher_.data = this;
}

void TimerWatcher::start(std::chrono::nanoseconds after, std::chrono::nanoseconds repeat) {
  stop();
  ev_timer_set(&watcher_, seconds(after), seconds(repeat));
  ev_timer_start(loop_.raw(), &watcher_);
}

void TimerWatcher::start_at(TimePoint deadline) {
  // libev counts <after> from its cached loop time; refresh it so the timer
  // fires at <deadline> and not early by the age of the cache.
  loop_.update_now();
  const auto after = deadline - loop_.now();
  start(after.count() > 0 ? std::chrono::nanoseconds(after) : std::chrono::nanoseconds(0));
}

void TimerWatcher::stop() {
  ev_timer_stop(loop_.raw(), &watcher_);
}

void TimerWatcher::set_priority(int priority) {
  stop();
  ev_set_priority(&watcher_, priority);
}

void TimerWatcher::trampoline(struct ev_loop*, ev_timer* w, int) {
  static_cast<TimerWatcher*>(w->data)->callback_();
}

SignalWatcher::SignalWatcher(EventLoop& loop, int signo, Callback callback)
    : loop_(loop), callback_(std::move(callback)) {
  ev_signal_init(&watcher_, trampoline, signo);
  watcher_.data = this;
  ev_signal_start(loop_.raw(), &watcher_);
}

SignalWatcher::~SignalWatcher() {
  ev_signal_stop(loop_.raw(), &watcher_);
}

void SignalWatcher::trampoline(struct ev_loop*, ev_signal* w, int) {
  auto* self = static_cast<SignalWatcher*>(w->data);
  self->callback_(w->signum);
}

ChildWatcher::ChildWatcher(EventLoop& loop, int pid, Callback callback) : loop_(loop), callback_(std::move(callback)) {
  ev_child_init(&watcher_, trampoline, pid, 0);
  watcher_.data = this;
  ev_child_start(loop_.raw(), &watcher_);
}

ChildWatcher::~ChildWatcher() {
  ev_child_stop(loop_.raw(), &watcher_);
}

void ChildWatcher::trampoline(struct ev_loop* loop, ev_child* w, int) {
  ev_child_stop(loop, w);
  static_cast<ChildWatcher*>(w->data)->callback_(w->rpid, w->rstatus);
}

AsyncWatcher::AsyncWatcher(EventLoop& loop, Callback callback) : loop_(loop), callback_(std::move(callback)) {
  ev_async_init(&watcher_, trampoline);
  watcher_.data = this;
  ev_async_start(loop_.raw(), &watcher_);
}

AsyncWatcher::~AsyncWatcher() {
  ev_async_stop(loop_.raw(), &watcher_);
}
void AsyncWatcher::send() {
  ev_async_send(loop_.raw(), &watcher_);
}
void AsyncWatcher::trampoline(struct ev_loop*, ev_async* w, int) {
  static_cast<AsyncWatcher*>(w->data)->callback_();
}

}  // namespace common::io
