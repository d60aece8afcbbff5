// Both daemons' command line against the shipped examples and broken files.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/daemon_runner.h"
#include "support/netns_lab.h"

using namespace std::chrono_literals;

namespace {

const std::string kBin = HAPAIR_BIN_DIR;
const std::string kSource = HAPAIR_SOURCE_DIR;

struct Output {
  int exit_code;
  std::string text;
};

Output run_daemon(const std::vector<std::string>& argv) {
  testing::TempDir dir;
  testing::DaemonRunner d(argv, dir.file("out"));
  const auto status = d.wait_exit(20s);
  REQUIRE(status);
  REQUIRE(WIFEXITED(*status));
  return {WEXITSTATUS(*status), d.log()};
}

std::size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

}  // namespace

TEST_CASE("the shipped example configurations are valid") {
  // --offline: this host is not an installed node (vrrpd would read its
  // /etc/vrrpd/vrrp.key, which the install step makes).
  for (const auto& daemon : {"proxyd", "vrrpd"}) {
    const auto out = run_daemon({kBin + "/" + daemon, "-c", "--offline", "-f", kSource + "/etc/" + daemon + ".ini"});
    INFO(out.text);
    CHECK(out.exit_code == 0);
    CHECK(out.text.find("Configuration file is valid") != std::string::npos);
  }
}

TEST_CASE("proxyd -c prints every mistake as file:line and exits 1") {
  testing::TempDir dir;
  const auto path = dir.write("bad.ini",
                              "[global]\n"
                              "maxconn = lots\n"
                              "[frontend www]\n"
                              "bind = 10.0.0.10:80\n"
                              "backend = app_pol\n"
                              "[backend app_pool]\n"
                              "timout_server = 5s\n"
                              "server = web1 10.0.0.21:80\n");
  const auto out = run_daemon({kBin + "/proxyd", "-c", "-f", path});
  INFO(out.text);
  CHECK(out.exit_code == 1);
  CHECK(count_matches(out.text, path + ":[0-9]+: error: ") == 3);
  CHECK(out.text.find(path + ":2: error: key 'maxconn'") != std::string::npos);
  CHECK(out.text.find(path + ":3: error: frontend 'www' uses unknown backend 'app_pol'") != std::string::npos);
  CHECK(out.text.find(path + ":7: error: unknown key 'timout_server' in [backend app_pool] (did you mean "
                             "'timeout_server'?)") != std::string::npos);
}

TEST_CASE("proxyd expands \"$VAR\" from its environment in double-quoted values, as HAProxy") {
  testing::TempDir dir;
  const auto path = dir.write("env.ini",
                              "[frontend www]\n"
                              "bind = \"${HAPAIR_TEST_BIND}:8080\"\n"
                              "backend = app\n"
                              "[backend app]\n"
                              "server = web1 \"${HAPAIR_TEST_SERVER-127.0.0.1:81}\"\n"
                              "maxconn = \"$HAPAIR_TEST_UNSET\"\n");
  ::setenv("HAPAIR_TEST_BIND", "10.0.0.300", 1);
  const auto out = run_daemon({kBin + "/proxyd", "-c", "-f", path});
  ::unsetenv("HAPAIR_TEST_BIND");
  INFO(out.text);
  CHECK(out.exit_code == 1);
  CHECK(out.text.find(path + ":2: error: key 'bind'") != std::string::npos);
  CHECK(out.text.find("10.0.0.300:8080") != std::string::npos);  // the expanded value is what was judged
  CHECK(out.text.find(path + ":6: warning: key 'maxconn': environment variable 'HAPAIR_TEST_UNSET' is not set") !=
        std::string::npos);
  CHECK(out.text.find(path + ":5:") == std::string::npos);  // the default made a valid server line
}

TEST_CASE("vrrpd -c prints every mistake as file:line and exits 1") {
  testing::TempDir dir;
  const auto path = dir.write("bad.ini",
                              "[instance VI_1]\n"
                              "interface = eth1\n"
                              "virtual_router_id = 300\n"
                              "priorty = 100\n"
                              "advert_int = soon\n");
  const auto out = run_daemon({kBin + "/vrrpd", "-c", "-f", path});
  INFO(out.text);
  CHECK(out.exit_code == 1);
  CHECK(count_matches(out.text, path + ":[0-9]+: error: ") == 3);
  CHECK(out.text.find(path + ":3: error: key 'virtual_router_id': expected an integer from 1 to 255, got '300'") !=
        std::string::npos);
  CHECK(out.text.find(path + ":4: error: unknown key 'priorty' in [instance VI_1] (did you mean 'priority'?)") !=
        std::string::npos);
  CHECK(out.text.find(path + ":5: error: key 'advert_int': expected a duration") != std::string::npos);
}

TEST_CASE("version, help, a missing file and a bad option") {
  for (const auto& daemon : {"proxyd", "vrrpd"}) {
    const auto bin = kBin + "/" + daemon;
    CHECK(run_daemon({bin, "-V"}).text.find(std::string(daemon) + " 0.") == 0);
    const auto help = run_daemon({bin, "-h"});
    CHECK(help.exit_code == 0);
    CHECK(help.text.find("-c, --check") != std::string::npos);
    const auto missing = run_daemon({bin, "-c", "-f", "/nonexistent.ini"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.text.find("/nonexistent.ini: error: cannot open /nonexistent.ini: No such file or directory") !=
          std::string::npos);
    CHECK(run_daemon({bin, "--bogus"}).exit_code == 2);
  }
}

TEST_CASE("a daemon runs in the foreground, refuses a broken reload, stops on SIGTERM") {
  struct Case {
    std::string daemon;
    std::string config;
    std::string broken;
    std::string ready;  // the log line saying it is up
  };
  const Case cases[] = {
      {"proxyd", "[global]\nlog = stderr\npidfile = /x\n[listen l]\nbind = 127.0.0.1:1\nserver = s 127.0.0.1:2\n",
       "[global]\nlog = stderr\nmaxconn = 0\n", "started"},
      {"vrrpd", "[global]\nlog = stderr\n[instance VI_1]\ninterface = lo\nvirtual_router_id = 9\n",
       "[instance VI_1]\ninterface = lo\n", "Startup complete"},
  };
  for (const auto& c : cases) {
    INFO(c.daemon);
    testing::TempDir dir;
    const auto config = dir.write("d.ini", c.config);
    const auto pidfile = dir.file("d.pid");
    testing::DaemonRunner d({kBin + "/" + c.daemon, "-f", config, "-p", pidfile}, dir.file("log"));
    REQUIRE(d.wait_for_log(c.ready, 10s));
    CHECK(std::filesystem::exists(pidfile));

    dir.write("d.ini", c.broken);
    d.signal(SIGHUP);
    REQUIRE(d.wait_for_log("refused", 10s));
    CHECK(d.log().find("the running configuration is unchanged") != std::string::npos);
    CHECK(d.running());

    dir.write("d.ini", c.config);
    d.signal(SIGHUP);
    REQUIRE(d.wait_for_log("configuration reloaded", 10s));

    d.signal(SIGTERM);
    const auto status = d.wait_exit(10s);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
    CHECK_FALSE(std::filesystem::exists(pidfile));
  }
}

namespace {

// "Max open files            41030                65536                files"
std::pair<std::string, std::string> open_file_limits(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/limits", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream words(line.substr(14));
    std::string soft, hard;
    words >> soft >> hard;
    return {soft, hard};
  }
  return {};
}

}  // namespace

TEST_CASE("proxyd raises its open file limit to what maxconn needs, up to the hard limit") {
  testing::TempDir dir;
  const auto config = dir.write("p.ini",
                                "[global]\nlog = stderr\nmaxconn = 2000\n[listen l]\nbind = 127.0.0.1:1\n"
                                "server = s 127.0.0.1:2\n");
  // Within the hard limit this process has (an unprivileged container may
  // not raise it): 2 x 2000 + 1 listener + 1 server + 1024 spare = 5026.
  {
    const auto hard = fmt::format("--nofile=1024:{}", open_file_limits(getpid()).second);
    testing::DaemonRunner d({"prlimit", hard, kBin + "/proxyd", "-f", config, "-p", dir.file("a.pid")},
                            dir.file("a.log"));
    REQUIRE(d.wait_for_log("started", 10s));
    CHECK(open_file_limits(d.pid()).first == "5026");
    CHECK(d.log().find("raised the open file limit from 1024 to 5026 (maxconn 2000)") != std::string::npos);
    CHECK(d.log().find("raise LimitNOFILE") == std::string::npos);
  }
  testing::DaemonRunner d({"prlimit", "--nofile=1024:4096", kBin + "/proxyd", "-f", config, "-p", dir.file("b.pid")},
                          dir.file("b.log"));
  REQUIRE(d.wait_for_log("started", 10s));
  CHECK(open_file_limits(d.pid()) == std::pair<std::string, std::string>{"4096", "4096"});
  CHECK(d.log().find("open file limit 4096 is below what maxconn 2000 needs (5026); raise LimitNOFILE") !=
        std::string::npos);
}
