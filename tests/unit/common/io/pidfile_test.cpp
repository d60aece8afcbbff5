#include "common/io/pidfile.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "support/daemon_runner.h"

using namespace common::io;

TEST_CASE("a pidfile holds our pid, refuses a second owner, and is removed on exit") {
  testing::TempDir dir;
  const auto path = dir.file("d.pid");
  {
    auto pidfile = Pidfile::create(path);
    REQUIRE(pidfile);
    auto pid = read_pidfile(path);
    REQUIRE(pid);
    CHECK(*pid == ::getpid());

    // Another process cannot take it while we hold the lock.
    const pid_t child = ::fork();
    if (child == 0) ::_exit(Pidfile::create(path) ? 0 : 3);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WEXITSTATUS(status) == 3);
    const auto again = Pidfile::create(path);
    REQUIRE_FALSE(again);
    CHECK(again.error().message.find("already running") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a stale pidfile (owner gone) is replaced") {
  testing::TempDir dir;
  const auto path = dir.write("d.pid", "999999\n");
  CHECK_FALSE(read_pidfile(path));
  auto pidfile = Pidfile::create(path);
  REQUIRE(pidfile);
  CHECK(*read_pidfile(path) == ::getpid());
}

TEST_CASE("the owner does not remove a pidfile another instance replaced") {
  testing::TempDir dir;
  const auto path = dir.file("d.pid");
  {
    auto pidfile = Pidfile::create(path);
    REQUIRE(pidfile);
    std::filesystem::remove(path);
    std::ofstream(path) << "1\n";
  }
  CHECK(std::filesystem::exists(path));
}

TEST_CASE("reading a pidfile validates its content and the process") {
  testing::TempDir dir;
  CHECK_FALSE(read_pidfile(dir.file("missing.pid")));
  CHECK(read_pidfile(dir.write("junk.pid", "12ab\n")).error().message.find("expected a process id") !=
        std::string::npos);
  CHECK_FALSE(read_pidfile(dir.write("zero.pid", "0\n")));
  CHECK_FALSE(read_pidfile(dir.write("neg.pid", "-5\n")));
  CHECK(*read_pidfile(dir.write("init.pid", "1\n")) == 1);
}
