// Test topologies of network namespaces: nodes joined by veth pairs to a
// bridge that lives in its own namespace, so nothing touches the host's
// network. Names are unique per test process ("ht<pid>x<n>-<node>") and all
// of it is removed by the destructor, also when a REQUIRE fails. Labs left
// behind by a crashed test process are swept by the next one.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/io/process.h"

namespace testing {

class NetnsLab {
 public:
  NetnsLab();
  ~NetnsLab();
  NetnsLab(const NetnsLab&) = delete;
  NetnsLab& operator=(const NetnsLab&) = delete;

  // Creates node <name> (loopback up). Returns the namespace name.
  std::string add_node(const std::string& name);
  // Connects <node> to the lab bridge through interface <ifname> inside the
  // node, with address <cidr> ("10.77.0.11/24") and, if given, <mac>.
  void connect(const std::string& node, const std::string& ifname, const std::string& cidr,
               const std::string& mac = {});
  // The namespace name of <node>.
  std::string ns(const std::string& node) const;
  // The bridge's namespace (for captures on the bridge).
  std::string switch_ns() const { return prefix_ + "sw"; }

  // Runs argv inside <node> to completion.
  common::io::ProcessResult exec(const std::string& node, std::vector<std::string> argv,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Runs argv inside <node>; fails the test unless it exits 0.
  void must(const std::string& node, std::vector<std::string> argv);
  // SIGKILL to every process inside <node> (a crash of the whole node's software).
  void kill_all(const std::string& node);
  // `ip -o addr show dev IFACE` inside <node>.
  std::string addresses(const std::string& node, const std::string& ifname);

  const std::string& prefix() const { return prefix_; }

  // Every namespace currently present on the host.
  static std::vector<std::string> list_namespaces();

 private:
  std::string prefix_;
  std::vector<std::string> namespaces_;
  int veth_count_ = 0;
  bool switch_ready_ = false;
};

// Runs a host command to completion (argv, no shell).
common::io::ProcessResult run(std::vector<std::string> argv,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace testing
