#include "vrrpd/core/config/vrrp_config.h"

#include <catch2/catch.hpp>

using namespace vrrpd::config;
using namespace std::chrono_literals;
using common::config::Diagnostics;

namespace {

VrrpConfig load(const std::string& text, Diagnostics& d) {
  return load_vrrp_config(common::config::parse_ini(text, "v.ini", d), d);
}

std::string all(const Diagnostics& d) {
  return d.to_string();
}

}  // namespace

TEST_CASE("an instance with every key") {
  Diagnostics d;
  const auto c = load(
      "[global]\nrouter_id = lb01\n"
      "[instance VI_1]\ninterface = eth1\nstate = MASTER\npriority = 200\nvirtual_router_id = 51\nversion = 3\n"
      "advert_int = 100ms\npreempt = false\npreempt_delay = 2s\nunicast_src_ip = 10.0.0.11\n"
      "unicast_peer = 10.0.0.12\nunicast_peer = 10.0.0.13\n"
      "vip = 10.0.0.10/24 dev eth1 label eth1:vip\nvip = 10.0.0.20\n"
      "garp_master_delay = 1s\ngarp_master_repeat = 3\ngarp_master_refresh = 60s\n",
      d);
  INFO(all(d));
  REQUIRE(d.error_count() == 0);
  REQUIRE(c.instances.size() == 1);
  const auto& in = c.instances[0];
  CHECK(c.global.router_id == "lb01");
  CHECK(in.state == InitialState::Master);
  CHECK(in.priority == 200);
  CHECK(in.vrid == 51);
  CHECK(in.version == 3);
  CHECK(in.advert_interval == 100ms);
  CHECK_FALSE(in.preempt);
  CHECK(in.unicast());
  CHECK(in.unicast_peers.size() == 2);
  REQUIRE(in.vips.size() == 2);
  CHECK(in.vips[0].to_string() == "10.0.0.10/24 dev eth1 label eth1:vip");
  CHECK(in.vips[1].address.prefix_length == 32);
  CHECK(in.garp_master_refresh == 60s);
}

TEST_CASE("defaults follow keepalived") {
  Diagnostics d;
  const auto c = load("[instance VI_1]\ninterface = eth0\nvirtual_router_id = 1\n", d);
  REQUIRE_FALSE(d.has_errors());
  const auto& in = c.instances[0];
  CHECK(in.state == InitialState::Backup);
  CHECK(in.priority == 100);
  CHECK(in.version == 2);
  CHECK(in.advert_interval == 1s);
  CHECK(in.preempt);
  CHECK(in.garp_master_delay == 5s);
  CHECK(in.garp_master_repeat == 5);
  CHECK(in.vips.empty());  // zero VIPs is valid (cloud setups)
  CHECK(c.global.pidfile == "/run/vrrpd.pid");
}

TEST_CASE("protocol constraints are checked") {
  Diagnostics d;
  load(
      "[instance a]\ninterface = eth0\nvirtual_router_id = 1\nversion = 2\nadvert_int = 100ms\n"
      "[instance b]\ninterface = eth0\nvirtual_router_id = 1\nversion = 3\nadvert_int = 15ms\n"
      "[instance c]\ninterface = eth0\nvirtual_router_id = 2\nversion = 3\nauth_type = PASS\nauth_pass = x\n"
      "[instance d]\ninterface = eth0\nvirtual_router_id = 3\nvip = 10.0.0.1\nvip = 2001:db8::1\n"
      "[instance e]\ninterface = eth0\nvirtual_router_id = 4\nversion = 2\nvip = 2001:db8::1\n"
      "[instance f]\ninterface = eth0\nvirtual_router_id = 256\npriority = 0\n",
      d);
  const auto text = all(d);
  INFO(text);
  CHECK(text.find("VRRPv2 advert_int must be whole seconds") != std::string::npos);
  CHECK(text.find("VRRPv3 advert_int must be a multiple of 10ms") != std::string::npos);
  CHECK(text.find("virtual_router_id 1 on eth0 is already used by instance 'a'") != std::string::npos);
  CHECK(text.find("auth_type PASS exists only in VRRPv2") != std::string::npos);
  CHECK(text.find("mixes IPv4 and IPv6") != std::string::npos);
  CHECK(text.find("IPv6 needs version = 3") != std::string::npos);
  CHECK(text.find("key 'virtual_router_id': expected an integer from 1 to 255") != std::string::npos);
  CHECK(text.find("key 'priority': expected an integer from 1 to 255") != std::string::npos);
}

TEST_CASE("risky but valid settings are warnings") {
  Diagnostics d;
  load(
      "[instance a]\ninterface = eth0\nvirtual_router_id = 1\nauth_type = PASS\nauth_pass = longerthan8\n"
      "unicast_peer = 10.0.0.2\npriority = 255\n",
      d);
  const auto text = all(d);
  INFO(text);
  CHECK_FALSE(d.has_errors());
  CHECK(text.find("warning: instance 'a': auth_pass is longer than 8 characters; only 'longerth' is used") !=
        std::string::npos);
  // unicast_peer without unicast_src_ip is the shipped, shared-file setup: no warning.
  CHECK(text.find("unicast_src_ip") == std::string::npos);
  CHECK(text.find("warning: instance 'a': priority 255 means address owner") != std::string::npos);
}

TEST_CASE("sync groups reference existing instances, once each") {
  Diagnostics d;
  load(
      "[instance a]\ninterface = eth0\nvirtual_router_id = 1\n"
      "[sync_group g1]\ninstances = a missing\n[sync_group g2]\ninstances = a\n",
      d);
  const auto text = all(d);
  INFO(text);
  CHECK(text.find("sync_group 'g1': unknown instance 'missing'") != std::string::npos);
  CHECK(text.find("instance 'a' is in sync_group 'g1' and 'g2'") != std::string::npos);
}

TEST_CASE("VIP lines") {
  CHECK(parse_virtual_address("10.0.0.10/24 scope link")->scope == "link");
  CHECK_FALSE(parse_virtual_address("10.0.0.10/24 dev"));
  CHECK_FALSE(parse_virtual_address("10.0.0.10/24 color blue"));
  CHECK_FALSE(parse_virtual_address("2001:db8::1 label x"));
  CHECK_FALSE(parse_virtual_address("10.0.0.10/24 label waytoolonglabel0"));
}

TEST_CASE("trackers: every kind, weights, references with did-you-mean") {
  Diagnostics d;
  const auto c = load(
      "[track_pid proxyd]\npidfile = /run/proxyd.pid\ndelay = 2s\n"
      "[track_http health]\nurl = http://127.0.0.1:8404/healthz\ninterval = 500ms\nfall = 3\n"
      "[track_script chk]\nscript = pidof 'prox yd'\nweight = -20\nuser = nobody\n"
      "[track_interface uplink]\ninterface = eth0\nweight = +5\n"
      "[instance VI_1]\ninterface = eth1\nvirtual_router_id = 51\ntrack = proxyd health\ntrack = chk uplink\n"
      "notify_master = /usr/lib/hapair/floatip-notify-master\nmaster_refresh = 60s\n",
      d);
  INFO(all(d));
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(c.trackers.size() == 4);
  CHECK(std::get<vrrpd::config::TrackPid>(c.trackers[0].spec).pidfile == "/run/proxyd.pid");
  CHECK(c.trackers[0].delay == 2s);
  CHECK(std::get<vrrpd::config::TrackHttp>(c.trackers[1].spec).fall == 3);
  CHECK(std::get<vrrpd::config::TrackScript>(c.trackers[2].spec).argv == std::vector<std::string>{"pidof", "prox yd"});
  CHECK(c.trackers[2].weight == -20);
  CHECK(c.trackers[3].weight == 5);
  CHECK(c.instances[0].track == std::vector<std::string>{"proxyd", "health", "chk", "uplink"});
  CHECK(c.instances[0].notify.master->argv == std::vector<std::string>{"/usr/lib/hapair/floatip-notify-master"});
  CHECK(c.instances[0].master_refresh == 60s);
  CHECK(c.instances[0].notify_timeout == 30s);
}

TEST_CASE("tracker mistakes are reported") {
  Diagnostics d;
  load(
      "[track_pid p]\n"
      "[track_http h]\nurl = ftp://x\n"
      "[track_script s]\nscript = 'unterminated\nweight = 300\n"
      "[instance VI_1]\ninterface = eth1\nvirtual_router_id = 51\ntrack = proxy\n",
      d);
  const auto text = all(d);
  INFO(text);
  CHECK(text.find("[track_pid p] needs exactly one of 'pidfile' and 'process'") != std::string::npos);
  CHECK(text.find("key 'url': expected an http:// or https:// URL") != std::string::npos);
  CHECK(text.find("key 'script': expected a command line: unterminated single quote") != std::string::npos);
  CHECK(text.find("key 'weight': expected a weight from -253 to 253") != std::string::npos);
  CHECK(text.find("instance 'VI_1': unknown tracker 'proxy'") != std::string::npos);
}

TEST_CASE("keepalived's extras: track_file, init_fail, vip_excluded, dont_track_primary") {
  Diagnostics d;
  const auto c = load(
      "[track_file prio]\nfile = /run/vrrpd/prio\ninit_file = 5 overwrite\n"
      "[track_file gate]\nfile = /run/vrrpd/gate\nweight = 0\n"
      "[track_script chk]\nscript = /bin/true\ninit_fail = true\n"
      "[instance VI_1]\ninterface = eth1\nvirtual_router_id = 51\ntrack = prio gate chk\n"
      "vip = 10.0.0.10/24\nvip_excluded = fd00::10/64 dev eth2\nvip_excluded = 10.0.1.10/24\n"
      "dont_track_primary = true\n",
      d);
  INFO(all(d));
  REQUIRE_FALSE(d.has_errors());
  const auto& prio = *c.find_tracker("prio");
  CHECK(prio.weight == 1);  // keepalived's default for a file
  CHECK(prio.kind() == "track_file");
  const auto& file = std::get<vrrpd::config::TrackFile>(prio.spec);
  CHECK(file.file == "/run/vrrpd/prio");
  CHECK(file.init_value == 5);
  CHECK(file.overwrite);
  CHECK(c.find_tracker("gate")->weight == 0);
  CHECK_FALSE(std::get<vrrpd::config::TrackFile>(c.find_tracker("gate")->spec).init_value);
  CHECK(std::get<vrrpd::config::TrackScript>(c.find_tracker("chk")->spec).init_fail);
  const auto& in = c.instances[0];
  REQUIRE(in.vips.size() == 3);
  CHECK_FALSE(in.vips[0].excluded);
  CHECK(in.vips[1].excluded);
  CHECK(in.vips[1].device == "eth2");
  CHECK(in.family() == common::net::Family::V4);  // an excluded IPv6 address does not make it IPv6
  CHECK(in.version == 2);
  CHECK(in.dont_track_primary);

  Diagnostics bad;
  load("[track_file f]\ninit_file = x\n[instance V]\ninterface = e\nvirtual_router_id = 1\ntrack = f\n", bad);
  CHECK(all(bad).find("expected [VALUE] [overwrite], got 'x'") != std::string::npos);
  CHECK(all(bad).find("'file'") != std::string::npos);
}

TEST_CASE("use_vmac: the VMAC's name (PREFIX.VRID or its own), IPv4 multicast only") {
  Diagnostics d;
  const auto c = load(
      "[global]\nvmac_prefix = vm\n"
      "[instance A]\ninterface = eth1\nvirtual_router_id = 51\nvip = 10.0.0.10/24\nuse_vmac = true\n"
      "[instance B]\ninterface = eth1\nvirtual_router_id = 52\nvip = 10.0.0.11/24\nuse_vmac = pub_b\n"
      "[instance C]\ninterface = eth1\nvirtual_router_id = 53\nvip = 10.0.0.12/24\nuse_vmac = false\n",
      d);
  INFO(all(d));
  REQUIRE(d.error_count() == 0);
  CHECK(vmac_name(c.instances[0], c.global) == "vm.51");
  CHECK(vmac_name(c.instances[1], c.global) == "pub_b");
  CHECK(vmac_name(c.instances[2], c.global).empty());
  Diagnostics bad;
  (void)load(
      "[instance A]\ninterface = eth1\nvirtual_router_id = 51\nvip = 10.0.0.10/24\nuse_vmac = true\n"
      "unicast_peer = 10.0.0.2\n"
      "[instance B]\ninterface = eth1\nvirtual_router_id = 52\nversion = 3\nvip = fd00::10/64\nuse_vmac = true\n"
      "[instance C]\ninterface = eth1\nvirtual_router_id = 53\nvip = 10.0.0.12/24\nuse_vmac = a_name_too_long_x\n",
      bad);
  CHECK(all(bad).find("use_vmac with unicast_peer needs vmac_xmit_base") != std::string::npos);
  CHECK(all(bad).find("use_vmac is supported for IPv4 instances only") != std::string::npos);
  CHECK(all(bad).find("longer than 15 characters") != std::string::npos);
  Diagnostics xmit;
  const auto base = load(
      "[instance A]\ninterface = eth1\nvirtual_router_id = 51\nvip = 10.0.0.10/24\nuse_vmac = true\n"
      "vmac_xmit_base = true\nunicast_peer = 10.0.0.2\n",
      xmit);
  INFO(all(xmit));
  CHECK(xmit.error_count() == 0);
  CHECK(base.instances[0].vmac_xmit_base);
}
