#include "common/io/event_loop.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>

#include "common/io/unique_fd.h"

using namespace common::io;
using namespace std::chrono_literals;

TEST_CASE("io and timer watchers fire, and stop when destroyed") {
  EventLoop loop(false);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  UniqueFd r(fds[0]), w(fds[1]);
  int reads = 0;
  auto watcher = std::make_unique<IoWatcher>(loop, [&](int revents) {
    CHECK((revents & EV_READ) != 0);
    char c;
    REQUIRE(::read(r.get(), &c, 1) == 1);
    ++reads;
  });
  watcher->start(r.get(), EV_READ);
  bool fired = false;
  TimerWatcher timer(loop, [&] { fired = true; });
  timer.start(1ms);
  REQUIRE(::write(w.get(), "x", 1) == 1);
  while (reads == 0 || !fired) loop.run_once();
  CHECK(reads == 1);
  CHECK_FALSE(timer.active());

  // A destroyed watcher is stopped: the loop no longer references it.
  watcher.reset();
  REQUIRE(::write(w.get(), "y", 1) == 1);
  TimerWatcher tick(loop, [] {});
  tick.start(5ms);
  loop.run_once();
  CHECK(reads == 1);
}

TEST_CASE("a repeating timer repeats until stopped") {
  EventLoop loop(false);
  int count = 0;
  TimerWatcher timer(loop, [&] {});
  TimerWatcher counter(loop, [&] {
    if (++count == 3) counter.stop();
  });
  counter.start(1ms, 1ms);
  while (counter.active()) loop.run_once();
  CHECK(count == 3);
}

TEST_CASE("signals are delivered through the default loop") {
  EventLoop loop(true);
  int got = 0;
  SignalWatcher sig(loop, SIGUSR2, [&](int signo) {
    got = signo;
    loop.break_loop();
  });
  ::kill(::getpid(), SIGUSR2);
  loop.run();
  CHECK(got == SIGUSR2);
}

TEST_CASE("an async watcher wakes its loop") {
  EventLoop loop(false);
  bool woke = false;
  AsyncWatcher async(loop, [&] { woke = true; });
  async.send();
  loop.run_once();
  CHECK(woke);
}
