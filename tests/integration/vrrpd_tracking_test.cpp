// The pair at work: proxyd and vrrpd on two nodes, vrrpd tracking proxyd;
// notify scripts run as keepalived runs them.
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "common/io/files.h"
#include "support/daemon_runner.h"
#include "support/netns_lab.h"

using namespace std::chrono_literals;

namespace {

const std::string kBin = HAPAIR_BIN_DIR;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Two load balancers (lb1 priority 200, lb2 100), each with a web server, a
// proxyd on the VIP and a vrrpd; a client node. VIP 10.77.0.10.
struct Pair {
  testing::NetnsLab lab;
  testing::TempDir dir;
  std::map<std::string, std::unique_ptr<testing::DaemonRunner>> daemons;

  Pair() {
    ::chmod(dir.path().c_str(), 0755);
    for (const char* n : {"lb1", "lb2", "client"}) lab.add_node(n);
    lab.connect("lb1", "eth1", "10.77.0.11/24");
    lab.connect("lb2", "eth1", "10.77.0.12/24");
    lab.connect("client", "eth1", "10.77.0.100/24");
  }

  void start(const std::string& node, const std::string& name, std::vector<std::string> argv) {
    auto& slot = daemons[node + "/" + name];
    slot.reset();
    slot = std::make_unique<testing::DaemonRunner>(std::move(argv), dir.file(node + "-" + name + ".log"), lab.ns(node));
  }
  testing::DaemonRunner& daemon(const std::string& node, const std::string& name) {
    return *daemons.at(node + "/" + name);
  }

  void start_web_and_proxy(const std::string& node) {
    start(node, "web", {kBin + "/hapair-nameserver", "web-" + node, "127.0.0.1:8081"});
    // A fast TCP check on the backend, and /healthz for vrrpd's track_http.
    const auto config =
        dir.write(node + "-proxyd.ini", fmt::format("[global]\nlog = stderr\npidfile = {}\n"
                                                    "[listen www]\nbind = 10.77.0.10:80\ncheck = tcp\n"
                                                    "check_interval = 100ms\nfall = 1\nserver = web 127.0.0.1:8081\n"
                                                    "[stats]\nbind = 127.0.0.1:8404\nhealth_uri = /healthz\n",
                                                    proxyd_pidfile(node)));
    start(node, "proxyd", {kBin + "/proxyd", "-f", config});
    REQUIRE(daemon(node, "proxyd").wait_for_log("started", 10s));
  }
  std::string proxyd_pidfile(const std::string& node) const { return dir.file(node + "-proxyd.pid"); }

  void start_vrrpd(const std::string& node, const std::string& trackers, const std::string& instance_extra = "") {
    const auto config =
        dir.write(node + "-vrrpd.ini",
                  fmt::format("[global]\nlog = stderr\npidfile = {0}/{1}-vrrpd.pid\nstatus_file = {0}/{1}.json\n"
                              "script_user = nobody\n{2}\n"
                              "[instance VI_1]\ninterface = eth1\npriority = {3}\nvirtual_router_id = 51\nversion = 3\n"
                              "advert_int = 100ms\nvip = 10.77.0.10/24\n{4}",
                              dir.path(), node, trackers, node == "lb1" ? 200 : 100, instance_extra));
    start(node, "vrrpd", {kBin + "/vrrpd", "-f", config});
    REQUIRE(daemon(node, "vrrpd").wait_for_log("Entering", 10s));
  }

  bool has_vip(const std::string& node) {
    return lab.addresses(node, "eth1").find("10.77.0.10/24") != std::string::npos;
  }
  bool sole_master(const std::string& node, std::chrono::milliseconds timeout) {
    const auto other = node == "lb1" ? "lb2" : "lb1";
    return testing::eventually([&] { return has_vip(node) && !has_vip(other); }, timeout);
  }

  struct ProbeSummary {
    long ok = 0, failed = 0, failed_after = 0;
    double outage_ms = 0;
    std::string served_last;
  };
  static ProbeSummary parse_probe(const std::string& out) {
    ProbeSummary s;
    std::smatch m;
    if (std::regex_search(out, m, std::regex("ok=(\\d+) failed=(\\d+) outage_ms=(\\d+) failed_after_outage=(\\d+)"))) {
      s.ok = std::stol(m[1]);
      s.failed = std::stol(m[2]);
      s.outage_ms = std::stod(m[3]);
      s.failed_after = std::stol(m[4]);
    }
    if (std::regex_search(out, m, std::regex("ok (web-lb\\d)\\n[^\\n]*summary"))) s.served_last = m[1];
    return s;
  }
};

}  // namespace

TEST_CASE("track_pid: proxyd killed on the master moves the VIP at once, clients barely notice",
          "[root][vrrpd][tracking]") {
  Pair p;
  for (const char* n : {"lb1", "lb2"}) {
    p.start_web_and_proxy(n);
    p.start_vrrpd(n, fmt::format("[track_pid proxyd]\npidfile = {}\n", p.proxyd_pidfile(n)), "track = proxyd\n");
  }
  REQUIRE(p.sole_master("lb1", 10s));
  p.start("client", "probe", {kBin + "/hapair-probe", "10.77.0.10:80", "10", "3000", "200"});
  std::this_thread::sleep_for(1s);
  p.daemon("lb1", "proxyd").signal(SIGKILL);
  REQUIRE(p.daemon("lb1", "vrrpd").wait_for_log("Track pid proxyd (", 5s));
  CHECK(p.daemon("lb1", "vrrpd").wait_for_log("(VI_1) Entering FAULT STATE", 5s));
  CHECK(p.sole_master("lb2", 5s));
  REQUIRE(p.daemon("client", "probe").wait_exit(10s));
  const auto out = p.daemon("client", "probe").log();
  const auto s = Pair::parse_probe(out);
  INFO(out.substr(out.size() > 2000 ? out.size() - 2000 : 0));
  WARN("client-visible outage after kill -9 proxyd: " << s.outage_ms << " ms, " << s.failed << " failed requests");
  CHECK(s.ok > 100);
  CHECK(s.outage_ms < 2000);  // generous; the figure is in the benchmark
  CHECK(s.failed_after == 0);
  CHECK(s.served_last == "web-lb2");
}

TEST_CASE("track_http: proxyd alive but without a usable backend hands the VIP over", "[root][vrrpd][tracking]") {
  Pair p;
  for (const char* n : {"lb1", "lb2"}) {
    p.start_web_and_proxy(n);
    p.start_vrrpd(n,
                  "[track_http health]\nurl = http://127.0.0.1:8404/healthz\ninterval = 100ms\ntimeout = 200ms\n"
                  "rise = 2\nfall = 2\n",
                  "track = health\n");
  }
  REQUIRE(p.sole_master("lb1", 10s));
  p.daemon("lb1", "web").signal(SIGKILL);  // proxyd alive, its backend gone
  REQUIRE(p.daemon("lb1", "vrrpd").wait_for_log("Track http health: down", 5s));
  INFO("lb1:\n" << p.daemon("lb1", "vrrpd").log() << "lb2:\n" << p.daemon("lb2", "vrrpd").log());
  INFO("lb1:\n" << p.daemon("lb1", "vrrpd").log() << "lb2:\n" << p.daemon("lb2", "vrrpd").log());
  CHECK(p.sole_master("lb2", 5s));
  // The URL answers again: lb1 recovers and preempts.
  p.start("lb1", "web", {kBin + "/hapair-nameserver", "web-lb1", "127.0.0.1:8081"});
  CHECK(p.daemon("lb1", "vrrpd").wait_for_log("Track http health: up", 5s));
  CHECK(p.sole_master("lb1", 5s));
}

TEST_CASE("track_script with a negative weight lowers the priority below the peer's", "[root][vrrpd][tracking]") {
  Pair p;
  // Each node has its own maintenance flag file.
  const auto flag = p.dir.file("lb1-maintenance");
  for (const char* n : {"lb1", "lb2"}) {
    p.start_vrrpd(n,
                  fmt::format("[track_script maint]\nscript = /bin/sh -c '! test -e {}'\ninterval = 100ms\n"
                              "weight = -150\n",
                              p.dir.file(std::string(n) + "-maintenance")),
                  "track = maint\n");
  }
  REQUIRE(p.sole_master("lb1", 10s));
  std::ofstream(flag) << "1";
  REQUIRE(p.daemon("lb1", "vrrpd").wait_for_log("VRRP_Script(maint) failed", 5s));
  CHECK(p.daemon("lb1", "vrrpd").wait_for_log("Changing effective priority from 200 to 50", 5s));
  CHECK(p.sole_master("lb2", 5s));
  std::remove(flag.c_str());
  CHECK(p.sole_master("lb1", 5s));
}

TEST_CASE("notify scripts get keepalived's argv, run in order, and the FIFO gets one line per event",
          "[root][vrrpd][notify]") {
  Pair p;
  const auto out = p.dir.file("notify.out");
  const auto script = p.dir.write("dump.sh", "#!/bin/sh\nprintf '%s|' \"$(basename \"$0\")\" \"$@\" >> " + out +
                                                 "\necho \"env=$VRRPD_STATE\" >> " + out + "\n");
  ::chmod(script.c_str(), 0755);
  for (const char* hook : {"notify_master", "notify_backup", "notify"}) {
    ::symlink(script.c_str(), p.dir.file(hook).c_str());
  }
  ::close(::open(out.c_str(), O_CREAT | O_WRONLY, 0666));
  ::chmod(out.c_str(), 0666);
  const auto fifo = p.dir.file("notify.fifo");
  p.start_vrrpd("lb1", fmt::format("notify_fifo = {}", fifo),
                fmt::format("notify_master = {0}/notify_master extra1 'two words'\n"
                            "notify_backup = {0}/notify_backup\nnotify = {0}/notify extra1 'two words'\n",
                            p.dir.path()));
  REQUIRE(p.sole_master("lb1", 10s));
  REQUIRE(p.daemon("lb1", "vrrpd").wait_for_log("notify_master extra1 'two words'", 5s));
  REQUIRE(testing::eventually(
      [&] {
        return slurp(out).find("MASTER|100") != std::string::npos || slurp(out).find("MASTER|200") != std::string::npos;
      },
      5s));
  const auto dumped = slurp(out);
  INFO(dumped);
  // dump.sh follows the symlink name; each run is one line.
  CHECK(dumped ==
        "notify_backup|env=BACKUP\n"
        "notify|extra1|two words|INSTANCE|VI_1|BACKUP|200|env=BACKUP\n"
        "notify_master|extra1|two words|env=MASTER\n"
        "notify|extra1|two words|INSTANCE|VI_1|MASTER|200|env=MASTER\n");
  const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  char buf[512] = {};
  const auto n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  CHECK(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) ==
        "INSTANCE \"VI_1\" BACKUP 200\nINSTANCE \"VI_1\" MASTER 200\n");
  CHECK(p.daemon("lb1", "vrrpd").log().find("(pid ") != std::string::npos);  // each run logged with its pid
}

TEST_CASE("notify scripts are serialized: a flap never runs BACKUP before MASTER finished", "[root][vrrpd][notify]") {
  Pair p;
  const auto out = p.dir.file("order.out");
  ::close(::open(out.c_str(), O_CREAT | O_WRONLY, 0666));
  ::chmod(out.c_str(), 0666);
  const auto slow = p.dir.write(
      "slow.sh", "#!/bin/sh\necho \"start $1\" >> " + out + "\nsleep 0.5\necho \"end $1\" >> " + out + "\n");
  ::chmod(slow.c_str(), 0755);
  const auto hooks = fmt::format("notify_master = {0} master\nnotify_backup = {0} backup\n", slow);
  // lb2 (100) alone becomes MASTER; lb1 (200) arrives and takes over at once.
  p.start_vrrpd("lb2", "", hooks);
  REQUIRE(p.sole_master("lb2", 10s));
  p.start_vrrpd("lb1", "", "");
  REQUIRE(p.sole_master("lb1", 10s));
  REQUIRE(testing::eventually(
      [&] {
        const auto text = slurp(out);
        return std::count(text.begin(), text.end(), '\n') >= 6;
      },
      10s));
  const auto order = slurp(out);
  INFO(order);
  CHECK(order.starts_with("start backup\nend backup\nstart master\nend master\nstart backup\nend backup\n"));
}

TEST_CASE("a root notify script in a directory others can write is refused, naming it", "[root][vrrpd][notify]") {
  Pair p;
  const auto unsafe_dir = p.dir.file("unsafe");
  ::mkdir(unsafe_dir.c_str(), 0777);
  ::chmod(unsafe_dir.c_str(), 0777);
  const auto script = p.dir.write("unsafe/hook.sh", "#!/bin/sh\nexit 0\n");
  ::chmod(script.c_str(), 0755);
  const auto config = p.dir.write("root.ini", fmt::format("[global]\nlog = stderr\npidfile = {0}/r.pid\n"
                                                          "[instance VI_1]\ninterface = eth1\nvirtual_router_id = 51\n"
                                                          "notify_backup = {1}\n",
                                                          p.dir.path(), script));
  testing::DaemonRunner check({kBin + "/vrrpd", "-c", "-f", config}, p.dir.file("check.out"));
  const auto exit_status = check.wait_exit(10s);
  REQUIRE(exit_status);
  CHECK(WEXITSTATUS(*exit_status) == 1);
  INFO(check.log());
  CHECK(check.log().find("error: instance 'VI_1' notify: refusing to run " + script + " as root: ") !=
        std::string::npos);
  CHECK(check.log().find(" is writable by others") != std::string::npos);
}

TEST_CASE("track_file: the number in a file weighs in at once, without polling", "[root][vrrpd][tracking]") {
  Pair p;
  // keepalived's track_file: value x weight (default 1) is added; init_file writes 0 at start.
  for (const char* n : {"lb1", "lb2"}) {
    p.start_vrrpd(
        n, fmt::format("[track_file prio]\nfile = {}\ninit_file = 0 overwrite\n", p.dir.file(std::string(n) + "-prio")),
        "track = prio\n");
  }
  REQUIRE(p.sole_master("lb1", 10s));
  CHECK(slurp(p.dir.file("lb1-prio")) == "0\n");
  // -150 on lb1: 200 - 150 = 50 < 100, lb2 takes over.
  REQUIRE(common::io::write_file_atomically(p.dir.file("lb1-prio"), "-150\n"));
  CHECK(p.daemon("lb1", "vrrpd").wait_for_log("Changing effective priority from 200 to 50", 5s));
  CHECK(p.sole_master("lb2", 5s));
  // Below -253: a fault.
  std::ofstream(p.dir.file("lb1-prio")) << "-300";
  CHECK(p.daemon("lb1", "vrrpd").wait_for_log("Entering FAULT STATE", 5s));
  std::ofstream(p.dir.file("lb1-prio")) << "0";
  CHECK(p.sole_master("lb1", 5s));
}

TEST_CASE("vip_excluded is held with the VIPs but not advertised; dont_track_primary keeps a downed link out of FAULT",
          "[root][vrrpd][tracking]") {
  Pair p;
  p.start_vrrpd("lb1", "", "vip_excluded = 10.77.9.9/32\ndont_track_primary = true\n");
  p.start_vrrpd("lb2", "");
  REQUIRE(p.sole_master("lb1", 10s));
  CHECK(p.lab.addresses("lb1", "eth1").find("10.77.9.9/32") != std::string::npos);
  // lb1's adverts list the VIP alone: lb2, configured with the VIP only, sees no difference.
  std::this_thread::sleep_for(500ms);
  CHECK(p.daemon("lb2", "vrrpd").log().find("differs from our configuration") == std::string::npos);
  p.lab.must("lb1", {"ip", "link", "set", "eth1", "down"});
  CHECK(p.daemon("lb1", "vrrpd").wait_for_log("(dont_track_primary: no fault)", 5s));
  std::this_thread::sleep_for(300ms);
  CHECK(p.daemon("lb1", "vrrpd").log().find("Entering FAULT STATE") == std::string::npos);
}
