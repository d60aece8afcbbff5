#include "common/io/process.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support/daemon_runner.h"

using namespace common::io;
using namespace std::chrono_literals;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SpawnOptions sh(const std::string& script) {
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c", script};
  o.timeout = 10s;
  return o;
}

}  // namespace

TEST_CASE("argv reaches the program verbatim: spaces, quotes and $(...) untouched") {
  testing::TempDir dir;
  SpawnOptions o;
  o.argv = {
      "/usr/bin/printf", "[%s]\\n", "two words", "it's \"quoted\"", "$(touch " + dir.file("pwned") + ")", "*", ""};
  o.stdout_file = dir.file("out");
  auto r = run_process(o);
  REQUIRE(r);
  CHECK(r->success());
  CHECK(slurp(dir.file("out")) == "[two words]\n[it's \"quoted\"]\n[$(touch " + dir.file("pwned") + ")]\n[*]\n[]\n");
  CHECK_FALSE(std::ifstream(dir.file("pwned")).good());
}

TEST_CASE("exit status and the first line of stderr are captured") {
  auto r = run_process(sh("echo 'first problem' >&2; echo second >&2; exit 3"));
  REQUIRE(r);
  CHECK(r->exited);
  CHECK(r->exit_code == 3);
  CHECK_FALSE(r->success());
  CHECK(r->stderr_first_line == "first problem");
  CHECK(r->describe() == "exit status 3");
}

TEST_CASE("the environment is exactly what was given, plus a default PATH") {
  testing::TempDir dir;
  SpawnOptions o = sh("env > " + dir.file("env"));
  o.env = {"VRRPD_STATE=MASTER"};
  ::setenv("HAPAIR_LEAK_CHECK", "1", 1);
  REQUIRE(run_process(o)->success());
  const auto env = slurp(dir.file("env"));
  CHECK(env.find("VRRPD_STATE=MASTER\n") != std::string::npos);
  CHECK(env.find("PATH=/usr/local/sbin") != std::string::npos);
  CHECK(env.find("HAPAIR_LEAK_CHECK") == std::string::npos);
}

TEST_CASE("a timeout kills the whole process group") {
  testing::TempDir dir;
  // The script starts a grandchild that would outlive a kill of the leader.
  SpawnOptions o = sh("sleep 30 & echo $! > " + dir.file("grandchild") + "; wait");
  o.timeout = 200ms;
  o.kill_grace = 200ms;
  const auto started = std::chrono::steady_clock::now();
  auto r = run_process(o);
  REQUIRE(r);
  CHECK(r->timed_out);
  CHECK_FALSE(r->success());
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  const auto grandchild = std::stoi(slurp(dir.file("grandchild")));
  CHECK(testing::eventually([&] { return ::kill(grandchild, 0) != 0; }, 2s));
}

TEST_CASE("a program that ignores SIGTERM is killed after the grace period") {
  SpawnOptions o = sh("trap '' TERM; sleep 30");
  o.timeout = 100ms;
  o.kill_grace = 100ms;
  auto r = run_process(o);
  REQUIRE(r);
  CHECK(r->timed_out);
  CHECK(r->signal == SIGKILL);
}

TEST_CASE("a missing or non-executable program is an error, not a child") {
  SpawnOptions o;
  o.argv = {"/nonexistent/notify.sh"};
  auto r = run_process(o);
  REQUIRE_FALSE(r);
  CHECK(r.error().sys_errno == ENOENT);
  o.argv = {"no-such-program-anywhere"};
  CHECK_FALSE(run_process(o));
  testing::TempDir dir;
  o.argv = {dir.write("not-executable.sh", "#!/bin/sh\nexit 0\n")};
  ::chmod(o.argv[0].c_str(), 0644);
  CHECK(run_process(o).error().sys_errno == EACCES);
}

TEST_CASE("programs are found in PATH when named without a slash") {
  SpawnOptions o;
  o.argv = {"true"};
  CHECK(run_process(o)->success());
}

TEST_CASE("the user switch runs the program as that user", "[root]") {
  if (::geteuid() != 0) {
    WARN("not root: the uid switch cannot be exercised");
    return;
  }
  testing::TempDir dir;
  ::chmod(dir.path().c_str(), 0777);
  SpawnOptions o = sh("id -u > " + dir.file("uid") + "; id -g >> " + dir.file("uid"));
  o.uid = 65534;
  o.gid = 65534;
  REQUIRE(run_process(o)->success());
  CHECK(slurp(dir.file("uid")) == "65534\n65534\n");
}

TEST_CASE("children on the default loop are reaped through libev") {
  EventLoop loop(true);
  std::optional<ProcessResult> result;
  auto child = ChildProcess::spawn(loop, sh("exit 7"), [&](const ProcessResult& r) { result = r; });
  REQUIRE(child);
  while (!result) loop.run_once();
  CHECK(result->exit_code == 7);
  CHECK((*child)->pid() == result->pid);
}
