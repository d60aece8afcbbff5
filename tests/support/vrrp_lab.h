// Two load-balancer nodes (lb1 10.77.0.11, lb2 10.77.0.12) on a bridge, each
// able to run vrrpd or Keepalived with equivalent settings, for failover and
// interoperability tests. VIP 10.77.0.10/24 on eth1.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/daemon_runner.h"
#include "support/netns_lab.h"

namespace testing {

struct VrrpSettings {
  int priority = 100;
  int version = 3;
  std::string advert_int = "100ms";  // vrrpd syntax; converted for keepalived
  bool unicast = false;
  std::string auth_pass;  // non-empty: auth_type PASS (v2)
  bool preempt = true;
  std::string extra;         // more lines for the [instance] section
  std::string global_extra;  // more lines for the [global] section
  // unicast_peer lists both nodes and no unicast_src_ip: the shipped
  // configuration's shared file (each node skips its own address).
  bool shared_unicast = false;
  std::vector<std::string> prefix;  // runs vrrpd under this, e.g. setpriv dropping a capability
};

class VrrpLab {
 public:
  static constexpr const char* kVip = "10.77.0.10";

  VrrpLab();
  // Starts vrrpd / keepalived on node "lb1" or "lb2" (replacing a running one).
  void start_vrrpd(const std::string& node, const VrrpSettings& settings);
  void start_keepalived(const std::string& node, const VrrpSettings& settings);
  // Starts <node> on the keepalived.conf <path> as it is, its config-id
  // (@ID lines) the node's name: Keepalived, or vrrpd (-d: logs on stderr).
  void start_on_keepalived_conf(const std::string& node, bool keepalived, const std::string& path);
  DaemonRunner& daemon(const std::string& node);
  void kill(const std::string& node, int signo);

  bool has_vip(const std::string& node);
  // True once <node> holds the VIP and the other node does not.
  bool wait_sole_master(const std::string& node, std::chrono::milliseconds timeout);
  // vrrpd's SIGUSR1 status of <node>.
  nlohmann::json status(const std::string& node);
  std::string ip(const std::string& node) const { return node == "lb1" ? "10.77.0.11" : "10.77.0.12"; }
  static std::string other(const std::string& node) { return node == "lb1" ? "lb2" : "lb1"; }

  NetnsLab& lab() { return lab_; }
  TempDir& dir() { return dir_; }

 private:
  NetnsLab lab_;
  TempDir dir_;
  std::unique_ptr<DaemonRunner> lb1_;
  std::unique_ptr<DaemonRunner> lb2_;
};

}  // namespace testing
