// keepalived.conf through the reader into vrrpd's model: the tutorials'
// pair, keepalived's defaults where vrrpd's differ, tracking weights per
// reference and in sync groups, and the no-ops and refusals at their lines.
#include "vrrpd/core/keepalived_conf/reader.h"

#include <catch2/catch.hpp>

#include "common/core/config/ini_writer.h"
#include "vrrpd/core/config/vrrp_config.h"

using namespace vrrpd;
using common::config::Diagnostics;
using namespace std::chrono_literals;

namespace {

common::config::IniDocument read_one(const std::string& text, Diagnostics& d, std::string id = "lb1") {
  return keepalived_conf::read({"k.conf", text}, {std::move(id), {}}, d);
}

config::VrrpConfig load(const std::string& text, Diagnostics& d, std::string id = "lb1") {
  return config::load_vrrp_config(read_one(text, d, std::move(id)), d);
}

bool has(const Diagnostics& d, const std::string& text) {
  return d.to_string().find(text) != std::string::npos;
}

// The shape of the seeds' keepalived.conf (HAProxy + Keepalived tutorials).
constexpr const char* kTutorial = R"(global_defs {
   notification_email {
     sysadmin@example.com
   }
   notification_email_from lb1@example.com
   smtp_server 127.0.0.1
   smtp_connect_timeout 30
   router_id LVS_DEVEL
   enable_script_security
   script_user root
}

vrrp_script chk_haproxy {
    script "killall -0 haproxy"   # check the haproxy process
    interval 2 # every 2 seconds
    weight 2 # add 2 points if OK
}

vrrp_instance VI_1 {
    interface eth1
    state MASTER
    virtual_router_id 51
    @lb1 priority 101
    @lb2 priority 100
    advert_int 1
    unicast_src_ip 10.0.0.11
    unicast_peer {
        10.0.0.12
    }
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        10.0.0.10/24 dev eth1 label eth1:vip
    }
    track_script {
        chk_haproxy
    }
    notify_master "/etc/keepalived/master.sh MASTER"
}
)";

}  // namespace

TEST_CASE("a tutorial's keepalived.conf becomes vrrpd's model") {
  Diagnostics d;
  const auto c = load(kTutorial, d);
  INFO(d.to_string());
  CHECK_FALSE(d.has_errors());
  CHECK(c.global.router_id == "LVS_DEVEL");
  CHECK(c.global.script_user == "root");
  REQUIRE(c.instances.size() == 1);
  const auto& in = c.instances[0];
  CHECK(in.name == "VI_1");
  CHECK(in.interface == "eth1");
  CHECK(in.state == config::InitialState::Master);
  CHECK(in.vrid == 51);
  CHECK(in.priority == 101);
  CHECK(in.version == 2);
  CHECK(in.advert_interval == common::Duration(1000));
  CHECK(in.auth_type == config::AuthType::Pass);
  CHECK(in.auth_pass == "1111");
  REQUIRE(in.unicast_peers.size() == 1);
  CHECK(in.unicast_peers[0].to_string() == "10.0.0.12");
  REQUIRE(in.vips.size() == 1);
  CHECK(in.vips[0].to_string() == "10.0.0.10/24 dev eth1 label eth1:vip");
  CHECK(in.track == std::vector<std::string>{"chk_haproxy"});
  REQUIRE(in.notify.master);
  CHECK(in.notify.master->argv == std::vector<std::string>{"/etc/keepalived/master.sh", "MASTER"});
  const auto* chk = c.find_tracker("chk_haproxy");
  REQUIRE(chk != nullptr);
  CHECK(chk->weight == 2);
  const auto& script = std::get<config::TrackScript>(chk->spec);
  CHECK(script.argv == std::vector<std::string>{"killall", "-0", "haproxy"});
  CHECK(script.interval == common::Duration(2000));
  CHECK(script.timeout == common::Duration(2000));  // keepalived: the interval when unset
  // The e-mail settings are read; no instance turns smtp_alert on.
  CHECK(c.global.mail.to.size() == 1);
  CHECK(c.global.mail.server.has_value());
  CHECK(c.global.mail.connect_timeout == common::Duration(30'000));
  CHECK_FALSE(c.instances[0].smtp_alert.value_or(c.global.mail.alert));
  CHECK(has(d, "k.conf:9: notice: 'enable_script_security' changes nothing for vrrpd"));
  // The other node's lines.
  Diagnostics d2;
  CHECK(load(kTutorial, d2, "lb2").instances[0].priority == 100);
}

TEST_CASE("keepalived's defaults where vrrpd's differ are written out") {
  Diagnostics d;
  const auto c = load(R"(
global_defs { vrrp_version 3
  vrrp_garp_master_delay 1
  vrrp_garp_master_repeat 2 }
vrrp_script s { script /bin/true }
vrrp_instance A { interface eth0
  state MASTER
  virtual_router_id 1
  advert_int 0.5
  virtual_ipaddress { 10.0.0.1 }
  track_script { s } }
vrrp_instance B { interface eth0
  virtual_router_id 2
  version 2
  garp_master_repeat 7
  virtual_ipaddress { fd00::1/64 } }
)",
                      d);
  INFO(d.to_string());
  REQUIRE(c.instances.size() == 2);
  CHECK(c.instances[0].priority == 255);  // state MASTER without priority
  CHECK(c.instances[0].version == 3);
  CHECK(c.instances[0].advert_interval == common::Duration(500));
  CHECK(c.instances[0].garp_master_delay == common::Duration(1000));
  CHECK(c.instances[0].garp_master_repeat == 2);
  CHECK(c.instances[1].priority == 100);
  CHECK(c.instances[1].version == 3);  // IPv6: forced, with a warning
  CHECK(c.instances[1].garp_master_repeat == 7);
  CHECK(has(d, "k.conf:14: warning: instance 'B': IPv6 needs VRRPv3"));
  const auto& s = std::get<config::TrackScript>(c.find_tracker("s")->spec);
  CHECK(s.interval == common::Duration(1000));
  CHECK(s.timeout == common::Duration(1000));
}

TEST_CASE("tracking weights: per reference, forced to 0 in sync groups, interfaces") {
  Diagnostics d;
  const auto c = load(R"(
vrrp_script chk { script /bin/true
  weight -20 }
vrrp_script unused { script /bin/true }
vrrp_track_process haproxy { process haproxy
  weight 0
  delay 2 }
vrrp_instance A { interface eth0
  virtual_router_id 1
  track_script { chk
    chk weight -30 }
  track_interface { eth2 weight -50 }
  track_process { haproxy } }
vrrp_instance B { interface eth0
  virtual_router_id 2
  track_script { chk } }
vrrp_sync_group G { group { B }
  notify_master "/x.sh up" }
)",
                      d);
  INFO(d.to_string());
  CHECK_FALSE(d.has_errors());
  CHECK(c.instances[0].track == std::vector<std::string>{"chk", "chk.w-30", "eth2.w-50", "haproxy"});
  CHECK(c.instances[1].track == std::vector<std::string>{"chk.w0"});  // keepalived ignores member weights
  CHECK(c.find_tracker("chk")->weight == -20);
  CHECK(c.find_tracker("chk.w-30")->weight == -30);
  CHECK(c.find_tracker("chk.w0")->weight == 0);
  CHECK(c.find_tracker("eth2.w-50")->weight == -50);
  CHECK(std::get<config::TrackInterface>(c.find_tracker("eth2.w-50")->spec).interface == "eth2");
  CHECK(std::get<config::TrackPid>(c.find_tracker("haproxy")->spec).process == "haproxy");
  CHECK(c.find_tracker("haproxy")->delay == common::Duration(2000));
  CHECK(c.find_tracker("unused") == nullptr);
  CHECK(has(d, "k.conf:4: notice: 'unused' is tracked by no instance: not run"));
  REQUIRE(c.sync_groups.size() == 1);
  CHECK(c.sync_groups[0].instances == std::vector<std::string>{"B"});
}

TEST_CASE("keepalived.conf keywords vrrpd lacks: notices, errors naming the alternative, warnings for unknown ones") {
  Diagnostics d;
  (void)read_one(R"(global_defs {
  vrrp_garp_interval 0
  vrrp_garp_interval 0.1
  lvs_sync_daemon eth0 VI_1
  no_such_keyword 1
  vrrp_skip_check_adv_addr
}
virtual_server 10.0.0.1 80 {
  real_server 10.0.0.2 80 { weight 1 }
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  unicast_ttl 255
  use_vmac_addr
  track_interface eth1
  notify_master /x.sh root
  virtual_ipaddress { 10.0.0.1/24 brd 10.0.0.255 dev eth0 }
  authentication { auth_type AH }
}
)",
                 d);
  CHECK(has(d, "k.conf:2: notice: 'vrrp_garp_interval 0' changes nothing for vrrpd"));
  CHECK(has(d, "k.conf:3: error: 'vrrp_garp_interval' is not supported by vrrpd: vrrpd sends each burst back to back"));
  CHECK(has(d, "k.conf:4: error: 'lvs_sync_daemon' is not supported by vrrpd: no IPVS connection sync"));
  CHECK(has(d, "k.conf:5: warning: unknown keyword 'no_such_keyword' in global_defs"));
  CHECK(has(d, "k.conf:6: notice: 'vrrp_skip_check_adv_addr' changes nothing for vrrpd"));
  CHECK(has(d, "k.conf:8: error: 'virtual_server' is not supported by vrrpd: balance with proxyd"));
  CHECK(has(d, "k.conf:14: notice: 'unicast_ttl 255' changes nothing"));
  CHECK(has(d, "k.conf:15: error: 'use_vmac_addr' is not supported by vrrpd: vrrpd makes one VMAC per instance"));
  CHECK(has(d, "k.conf:16: error: 'track_interface' is a block: write track_interface { … }"));
  CHECK(has(d, "k.conf:17: error: 'notify_master': vrrpd runs every notify script as [global] script_user"));
  CHECK(has(d, "k.conf:18: error: 'brd' is not supported by vrrpd"));
  CHECK(has(d, "k.conf:19: error: auth_type AH is not supported by vrrpd"));
  CHECK(d.error_count() == 8);
}

TEST_CASE("smtp_alert and the mail settings are read; --convert's INI reads back to the same model") {
  Diagnostics d;
  const auto mail = load(R"(global_defs {
 notification_email {
  a@example.test
  b@example.test
 }
 notification_email_from lb@example.test
 smtp_server 10.0.0.1 2525
 smtp_helo_name lb1.example.test
 smtp_connect_timeout 0.5
 smtp_alert_vrrp
 smtp_alert off
 no_email_faults
}
vrrp_sync_group G { group { A B } smtp_alert off }
vrrp_instance A { interface eth0
 virtual_router_id 1
 smtp_alert off }
vrrp_instance B { interface eth0
 virtual_router_id 2 }
)",
                         d);
  INFO(d.to_string());
  REQUIRE_FALSE(d.has_errors());
  const auto& m = mail.global.mail;
  CHECK(m.to == std::vector<std::string>{"a@example.test", "b@example.test"});
  CHECK(m.from == "lb@example.test");
  REQUIRE(m.server);
  CHECK(m.server->to_string() == "10.0.0.1:2525");
  CHECK(m.helo_name == "lb1.example.test");
  CHECK(m.connect_timeout == common::Duration(500));
  CHECK(m.alert);  // smtp_alert_vrrp wins over smtp_alert
  CHECK(m.no_faults);
  REQUIRE(mail.instances.size() == 2);
  CHECK(mail.instances[0].smtp_alert == false);
  CHECK_FALSE(mail.instances[1].smtp_alert.has_value());  // the global default
  CHECK(mail.sync_groups[0].smtp_alert == false);

  // virtual_routes and virtual_rules: one route (rule) per line.
  Diagnostics rd;
  const auto routed = load(
      "vrrp_instance A { interface eth0\n virtual_router_id 7\n virtual_ipaddress { 10.0.0.1/24 }\n"
      " virtual_routes {\n  src 10.0.0.1 10.52.0.0/16 via 10.0.0.254\n  blackhole 10.53.0.0/16\n }\n"
      " virtual_rules {\n  from 10.0.0.1/32 table 100 priority 100\n }\n}\n",
      rd);
  INFO(rd.to_string());
  REQUIRE_FALSE(rd.has_errors());
  REQUIRE(routed.instances[0].routes.size() == 2);
  CHECK(routed.instances[0].routes[0].source->to_string() == "10.0.0.1");
  CHECK(routed.instances[0].routes[1].type == config::VirtualRoute::Type::Blackhole);
  REQUIRE(routed.instances[0].rules.size() == 1);
  CHECK(routed.instances[0].rules[0].table == 100u);

  // use_vmac, with global_defs' vmac_prefix; a MAC of one's own is refused.
  Diagnostics v;
  const auto vmac = load(
      "global_defs { vmac_prefix vm }\nvrrp_instance A { interface eth0\n virtual_router_id 7\n "
      "use_vmac\n virtual_ipaddress { 10.0.0.1/24 } }\n",
      v);
  INFO(v.to_string());
  REQUIRE_FALSE(v.has_errors());
  CHECK(config::vmac_name(vmac.instances[0], vmac.global) == "vm.7");
  Diagnostics own;
  (void)read_one("vrrp_instance A {\n use_vmac v7 00:00:5e:00:01:07\n}\n", own);
  CHECK(has(own, "k.conf:2: error: use_vmac 00:00:5e:00:01:07: a MAC of one's own is not supported"));

  // Realtime scheduling and locked memory map to their vrrpd keys.
  Diagnostics rt;
  const auto realtime = load(
      "global_defs {\n vrrp_rt_priority 50\n vrrp_no_swap\n vrrp_rlimit_rttime 2500\n}\n"
      "vrrp_instance A { interface eth0\n virtual_router_id 7\n virtual_ipaddress { 10.0.0.1/24 } }\n",
      rt);
  INFO(rt.to_string());
  REQUIRE_FALSE(rt.has_errors());
  CHECK(realtime.global.realtime_priority == 50u);
  CHECK(realtime.global.no_swap);
  CHECK(realtime.global.rlimit_rttime == std::chrono::milliseconds(3));
  Diagnostics bad_rt;
  (void)read_one("global_defs {\n vrrp_rt_priority 100\n}\n", bad_rt);
  CHECK(has(bad_rt, "k.conf:2: error: vrrp_rt_priority: expected 1 to 99"));

  Diagnostics d1;
  const auto doc = read_one(kTutorial, d1);
  const auto ini = common::config::to_ini(doc, "converted");
  CHECK(ini.find("; k.conf:23\npriority = 101\n") != std::string::npos);
  Diagnostics d2;
  const auto again = config::load_vrrp_config(common::config::parse_ini(ini, "c.ini", d2), d2);
  CHECK_FALSE(d2.has_errors());
  Diagnostics d3;
  const auto original = config::load_vrrp_config(doc, d3);
  REQUIRE(again.instances.size() == 1);
  CHECK(config::same_settings(again.instances[0], original.instances[0]));
  CHECK(again.trackers == original.trackers);
}

TEST_CASE("keepalived.conf: track_file, virtual_ipaddress_excluded, dont_track_primary, init_fail") {
  Diagnostics d;
  const auto c = load(R"(
track_file prio {
  file "/run/keepalived/prio"
  weight -2 reverse
  init_file 10 overwrite
}
vrrp_track_file gate { file /run/keepalived/gate
  weight 0 }
vrrp_script chk { script /bin/true
  init_fail }
vrrp_instance A { interface eth0
  virtual_router_id 1
  dont_track_primary
  virtual_ipaddress { 10.0.0.1/24 }
  virtual_ipaddress_excluded {
    fd00::1/64 dev eth1
  }
  track_file { prio
    gate }
  track_script { chk } }
)",
                      d);
  INFO(d.to_string());
  CHECK_FALSE(d.has_errors());
  const auto& in = c.instances[0];
  CHECK(in.dont_track_primary);
  REQUIRE(in.vips.size() == 2);
  CHECK(in.vips[1].excluded);
  CHECK(in.version == 2);  // the excluded IPv6 address changes nothing
  CHECK(in.track == std::vector<std::string>{"prio", "gate", "chk"});
  CHECK(c.find_tracker("prio")->weight == 2);  // reverse: the opposite weight
  const auto& f = std::get<config::TrackFile>(c.find_tracker("prio")->spec);
  CHECK(f.file == "/run/keepalived/prio");
  CHECK(f.init_value == 10);
  CHECK(f.overwrite);
  CHECK(c.find_tracker("gate")->weight == 0);
  CHECK(std::get<config::TrackScript>(c.find_tracker("chk")->spec).init_fail);
  CHECK(has(d, "k.conf:7: notice: vrrp_track_file is deprecated: track_file"));
}
