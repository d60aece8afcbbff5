// use_vmac beside the real Keepalived: one keepalived.conf with a VMAC, run
// by vrrpd on one node and Keepalived on the other (then the other way
// round; then with vmac_xmit_base and unicast adverts). Both make the same macvlan (vrrp.51, private mode, RFC 5798's
// 00:00:5e:00:01:33), the master holds the VIP on it, announces it with
// gratuitous ARPs from the virtual MAC, and the two elect each other over
// the VMACs' adverts; when vrrpd stops, its VMAC is gone and the base
// interface's ARP settings are back.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <thread>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;

namespace {

constexpr const char* kVmacMac = "00:00:5e:00:01:33";  // VRID 51

// <xmit_base>: unicast adverts from the base interface (vmac_xmit_base).
std::string conf(bool xmit_base) {
  const auto unicast =
      xmit_base ? "   vmac_xmit_base\n   unicast_peer {\n      @lb1 10.77.0.12\n      @lb2 10.77.0.11\n   }\n" : "";
  return fmt::format(R"(global_defs {{
   router_id ${{_INSTANCE}}
   vrrp_garp_master_delay 1
}}
vrrp_instance VI_1 {{
   state BACKUP
   interface eth1
   virtual_router_id 51
   @lb1 priority 150
   @lb2 priority 100
   advert_int 1
   use_vmac
{}   virtual_ipaddress {{
      {}/24
   }}
}}
)",
                     unicast, VrrpLab::kVip);
}

bool vip_on_vmac(VrrpLab& lab, const std::string& node) {
  return lab.lab().addresses(node, "vrrp.51").find(std::string(VrrpLab::kVip) + "/24") != std::string::npos;
}

bool sole_master(VrrpLab& lab, const std::string& node) {
  return vip_on_vmac(lab, node) && !vip_on_vmac(lab, VrrpLab::other(node));
}

std::string sysctl(VrrpLab& lab, const std::string& node, const std::string& key) {
  const auto out = lab.dir().file(node + "." + key);
  testing::run(
      {"sh", "-c",
       fmt::format("ip netns exec {} cat /proc/sys/net/ipv4/conf/eth1/{} > {}", lab.lab().ns(node), key, out)});
  std::ifstream in(out);
  std::string value;
  in >> value;
  return value;
}

// `ip -d link show vrrp.51` inside <node>, saved to a file and read back.
std::string show_vmac(VrrpLab& lab, const std::string& node) {
  const auto out = lab.dir().file(node + ".link");
  testing::run({"sh", "-c", fmt::format("ip -n {} -d link show vrrp.51 > {} 2>&1", lab.lab().ns(node), out)});
  std::ifstream in(out);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void run(bool vrrpd_on_lb1, bool xmit_base = false) {
  INFO((vrrpd_on_lb1 ? "vrrpd on lb1, Keepalived on lb2" : "Keepalived on lb1, vrrpd on lb2")
       << (xmit_base ? ", vmac_xmit_base and unicast" : ""));
  const std::string ours = vrrpd_on_lb1 ? "lb1" : "lb2";
  VrrpLab lab;
  const auto path = lab.dir().write("keepalived.conf", conf(xmit_base));
  const auto arp_ignore_before = sysctl(lab, ours, "arp_ignore");
  lab.start_on_keepalived_conf("lb1", !vrrpd_on_lb1, path);
  lab.start_on_keepalived_conf("lb2", vrrpd_on_lb1, path);
  INFO("vrrpd's log:\n" << lab.daemon(ours).log());
  REQUIRE(testing::eventually([&] { return sole_master(lab, "lb1"); }, 20s));
  for (const std::string node : {"lb1", "lb2"}) {
    const auto link = show_vmac(lab, node);
    INFO(node << ": " << link);
    CHECK(link.find(std::string("link/ether ") + kVmacMac) != std::string::npos);
    CHECK(link.find("macvlan mode private") != std::string::npos);
    CHECK(link.find("UP") != std::string::npos);  // a BACKUP's VMAC is up too, without the VIP
  }
  CHECK(sysctl(lab, ours, "arp_ignore") == "1");  // only the VMAC answers ARP for the VIP
  CHECK(sysctl(lab, ours, "arp_filter") == "1");

  // lb1 stops: lb2 takes the VIP on its VMAC and announces it from the virtual MAC.
  testing::DaemonRunner capture({"ip", "netns", "exec", lab.lab().switch_ns(), "tcpdump", "-i", "br0", "-n", "-e", "-l",
                                 "arp and ether src " + std::string(kVmacMac)},
                                lab.dir().file("garp.log"));
  REQUIRE(capture.wait_for_log("listening on br0", 10s));
  lab.kill("lb1", SIGTERM);
  REQUIRE(testing::eventually([&] { return vip_on_vmac(lab, "lb2") && !vip_on_vmac(lab, "lb1"); }, 20s));
  CHECK(testing::eventually(
      [&] {
        return capture.log().find(fmt::format("Request who-has {} (ff:ff:ff:ff:ff:ff) tell {}", VrrpLab::kVip,
                                              VrrpLab::kVip)) != std::string::npos;
      },
      5s));
  INFO("ARP from the virtual MAC:\n" << capture.log());
  if (vrrpd_on_lb1) {
    // vrrpd is gone: so is its VMAC, and eth1's ARP settings are as before.
    CHECK(testing::eventually([&] { return show_vmac(lab, "lb1").find("does not exist") != std::string::npos; }, 10s));
    CHECK(sysctl(lab, "lb1", "arp_ignore") == arp_ignore_before);
  }
}

}  // namespace

TEST_CASE("use_vmac: vrrpd and Keepalived make the same VMAC and elect each other over it",
          "[vrrpd][keepalived][netns]") {
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
  SECTION("vmac_xmit_base with unicast peers, vrrpd on lb1") {
    run(true, true);
  }
}
