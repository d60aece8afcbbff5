// One keepalived.conf, unchanged, run by Keepalived 2.2 on one node and by
// vrrpd on the other (then the other way round): the same master, the same
// VIP with its label, a tracking script's weight moving the VIP and back,
// the same gratuitous ARPs on takeover, and notify scripts called with the
// same arguments. This is the drop-in
// claim of `vrrpd -f /etc/keepalived/keepalived.conf`, checked against the
// real Keepalived.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;

namespace {

// @lb1/@lb2 lines: one file for both nodes. The check fails while
// DIR/NODE.down exists; its weight (-60) takes lb1 (150) below lb2 (100).
std::string shared_conf(const std::string& dir) {
  return fmt::format(R"(! the shape of the tutorials' file, with keepalived's own syntax
global_defs {{
   router_id ${{_INSTANCE}}
   enable_script_security
   script_user root
   vrrp_garp_master_delay 1
}}

$DIR={0}

vrrp_script chk_proxy {{
   @lb1 script "/bin/sh -c 'test ! -e ${{DIR}}/lb1.down'"
   @lb2 script "/bin/sh -c 'test ! -e ${{DIR}}/lb2.down'"
   interval 1
   weight -60
}}

vrrp_instance VI_1 {{
   state BACKUP
   interface eth1
   virtual_router_id 51
   @lb1 priority 150
   @lb2 priority 100
   advert_int 1
   authentication {{
      auth_type PASS
      auth_pass pair51
   }}
   virtual_ipaddress {{
      {1}/24 dev eth1 label eth1:vip
   }}
   track_script {{
      chk_proxy
   }}
   notify "{0}/notify.sh"
}}
)",
                     dir, VrrpLab::kVip);
}

// Each call appends its arguments to DIR/notify.log.
void write_notify_script(VrrpLab& lab) {
  const auto path =
      lab.dir().write("notify.sh", fmt::format("#!/bin/sh\necho \"$*\" >> {}/notify.log\n", lab.dir().path()));
  ::chmod(path.c_str(), 0755);
}

std::set<std::string> notify_lines(VrrpLab& lab) {
  std::ifstream in(lab.dir().file("notify.log"));
  std::set<std::string> out;
  for (std::string line; std::getline(in, line);) out.insert(line);
  return out;
}

// The times (seconds in the day) of the gratuitous ARPs for the VIP in a
// `tcpdump -tttt` capture.
std::vector<double> garp_times(const std::string& capture) {
  std::vector<double> out;
  std::istringstream in(capture);
  for (std::string line; std::getline(in, line);) {
    if (line.find("Request who-has 10.77.0.10 (ff:ff:ff:ff:ff:ff) tell 10.77.0.10") == std::string::npos) continue;
    const auto space = line.find(' ');  // "YYYY-MM-DD HH:MM:SS.ffffff ..."
    if (space == std::string::npos || line.size() < space + 16) continue;
    out.push_back(std::stoi(line.substr(space + 1, 2)) * 3600.0 + std::stoi(line.substr(space + 4, 2)) * 60.0 +
                  std::stod(line.substr(space + 7, 9)));
  }
  return out;
}

bool has_labelled_vip(VrrpLab& lab, const std::string& node) {
  return lab.lab().addresses(node, "eth1").find("eth1:vip") != std::string::npos;
}

void run(bool vrrpd_on_lb1) {
  INFO((vrrpd_on_lb1 ? "vrrpd on lb1, Keepalived on lb2" : "Keepalived on lb1, vrrpd on lb2"));
  VrrpLab lab;
  write_notify_script(lab);
  const auto conf = lab.dir().write("keepalived.conf", shared_conf(lab.dir().path()));
  lab.start_on_keepalived_conf("lb1", !vrrpd_on_lb1, conf);
  lab.start_on_keepalived_conf("lb2", vrrpd_on_lb1, conf);

  // lb1's priority (150) wins; the VIP carries the label on the master only.
  REQUIRE(lab.wait_sole_master("lb1", 20s));
  CHECK(has_labelled_vip(lab, "lb1"));
  // The check failing on lb1: 150 - 60 = 90 < 100, lb2 takes over, and
  // announces the VIP with gratuitous ARPs from its MAC.
  testing::DaemonRunner capture({"ip", "netns", "exec", lab.lab().switch_ns(), "tcpdump", "-i", "br0", "-n", "-e", "-l",
                                 "-tttt", "arp and ether src 02:77:00:00:00:12"},
                                lab.dir().file("garp.log"));
  REQUIRE(capture.wait_for_log("listening on br0", 10s));
  lab.dir().write("lb1.down", "");
  REQUIRE(lab.wait_sole_master("lb2", 20s));
  CHECK(has_labelled_vip(lab, "lb2"));
  std::this_thread::sleep_for(2500ms);  // both bursts: now and vrrp_garp_master_delay (1 s) later
  // Both announce the VIP alike: a burst of 5 (garp_master_repeat) at the
  // takeover and another 1 s later (vrrp_garp_master_delay). Keepalived also
  // answers the old master's last lower-priority advert with an extra burst
  // now and 1 s later (garp_lower_prio_*); vrrpd with its advert only when
  // that advert reaches it after the takeover (keepalived_mapping.md).
  const auto times = garp_times(capture.log());
  INFO("gratuitous ARPs from lb2:\n" << capture.log());
  REQUIRE_FALSE(times.empty());
  const auto within = [&](double from, double to) {
    return std::count_if(times.begin(), times.end(),
                         [&](double t) { return t - times[0] >= from && t - times[0] < to; });
  };
  const auto first = within(0, 0.1);
  const auto delayed = within(0.8, 1.6);
  CHECK(first >= 5);
  CHECK(first % 5 == 0);  // whole bursts of garp_master_repeat
  CHECK(delayed >= 5);
  CHECK(delayed % 5 == 0);
  // It passes again: lb1 preempts.
  std::remove(lab.dir().file("lb1.down").c_str());
  REQUIRE(lab.wait_sole_master("lb1", 20s));
  std::this_thread::sleep_for(1500ms);  // the last notify scripts run
  const auto lines = notify_lines(lab);
  INFO(Catch::Detail::stringify(lines));
  INFO("vrrpd's log:\n" << lab.daemon(vrrpd_on_lb1 ? "lb1" : "lb2").log());
  // keepalived's notify arguments, from both implementations: each node
  // became MASTER and BACKUP; lb1 left MASTER with its effective priority
  // (150 - 60), as Keepalived passes it.
  CHECK(lines.contains("INSTANCE VI_1 MASTER 150"));
  CHECK(lines.contains("INSTANCE VI_1 BACKUP 150"));
  CHECK(lines.contains("INSTANCE VI_1 BACKUP 90"));
  CHECK(lines.contains("INSTANCE VI_1 MASTER 100"));
  CHECK(lines.contains("INSTANCE VI_1 BACKUP 100"));
}

}  // namespace

TEST_CASE("one keepalived.conf run by Keepalived on one node and vrrpd on the other", "[vrrpd][keepalived][netns]") {
  if (::geteuid() != 0) {
    WARN("needs root (network namespaces)");
    return;
  }
  SECTION("vrrpd on lb1") {
    run(true);
  }
  SECTION("Keepalived on lb1") {
    run(false);
  }
}

TEST_CASE("vrrpd -c --offline names keepalived.conf's unsupported keywords at file:line", "[vrrpd][keepalived]") {
  testing::TempDir dir;
  const auto conf = dir.write("keepalived.conf",
                              "global_defs {\n  router_id a\n  lvs_sync_daemon eth0 VI_1\n}\n"
                              "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n"
                              "  use_vmac_addr\n}\n");
  const auto out = dir.file("out.txt");
  const auto cmd = fmt::format("{}/vrrpd -c --offline -f {} > {} 2>&1", HAPAIR_BIN_DIR, conf, out);
  CHECK(WEXITSTATUS(std::system(cmd.c_str())) == 1);
  std::stringstream text;
  text << std::ifstream(out).rdbuf();
  INFO(text.str());
  CHECK(text.str().find(conf + ":3: error: 'lvs_sync_daemon' is not supported by vrrpd") != std::string::npos);
  CHECK(text.str().find(conf + ":8: error: 'use_vmac_addr' is not supported by vrrpd") != std::string::npos);
}

TEST_CASE("vrrpd --convert writes keepalived.conf as vrrpd's INI, which vrrpd -c accepts", "[vrrpd][keepalived]") {
  testing::TempDir dir;
  const auto conf = dir.write("keepalived.conf", shared_conf(dir.path()));
  const auto ini = dir.file("vrrpd.ini");
  const auto convert = fmt::format("{}/vrrpd --convert --config-id lb2 -f {} > {}", HAPAIR_BIN_DIR, conf, ini);
  REQUIRE(WEXITSTATUS(std::system(convert.c_str())) == 0);
  std::stringstream text;
  text << std::ifstream(ini).rdbuf();
  INFO(text.str());
  CHECK(text.str().find("[instance VI_1]") != std::string::npos);
  CHECK(text.str().find("priority = 100\n") != std::string::npos);
  CHECK(text.str().find("; " + conf + ":23\npriority = 100") != std::string::npos);
  CHECK(text.str().find("script = /bin/sh -c 'test ! -e " + dir.path() + "/lb2.down'") != std::string::npos);
  const auto check = fmt::format("{}/vrrpd -c --offline -f {} > /dev/null 2>&1", HAPAIR_BIN_DIR, ini);
  CHECK(WEXITSTATUS(std::system(check.c_str())) == 0);
}
