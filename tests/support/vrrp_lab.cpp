#include "support/vrrp_lab.h"

#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

namespace testing {
namespace {

// "100ms" -> "0.1", "1s" -> "1" (keepalived takes seconds).
std::string keepalived_interval(const std::string& text) {
  if (text.ends_with("ms")) return fmt::format("{}", std::stod(text.substr(0, text.size() - 2)) / 1000.0);
  return text.substr(0, text.size() - 1);
}

}  // namespace

VrrpLab::VrrpLab() {
  lab_.add_node("lb1");
  lab_.add_node("lb2");
  lab_.connect("lb1", "eth1", "10.77.0.11/24", "02:77:00:00:00:11");
  lab_.connect("lb2", "eth1", "10.77.0.12/24", "02:77:00:00:00:12");
}

DaemonRunner& VrrpLab::daemon(const std::string& node) {
  auto& d = node == "lb1" ? lb1_ : lb2_;
  REQUIRE(d);
  return *d;
}

void VrrpLab::kill(const std::string& node, int signo) {
  daemon(node).signal(signo);
}

void VrrpLab::start_vrrpd(const std::string& node, const VrrpSettings& s) {
  const auto peer = ip(other(node));
  std::string config = fmt::format(
      "[global]\nrouter_id = {0}\nlog = stderr\npidfile = {1}/{0}.pid\nstatus_file = {1}/{0}.json\n"
      "[instance VI_1]\ninterface = eth1\npriority = {2}\nvirtual_router_id = 51\nversion = {3}\n"
      "advert_int = {4}\npreempt = {5}\nvip = {6}/24 dev eth1\ngarp_master_delay = 1s\n",
      node, dir_.path(), s.priority, s.version, s.advert_int, s.preempt ? "true" : "false", kVip);
  if (!s.global_extra.empty()) config.insert(config.find("[instance VI_1]"), s.global_extra);
  if (s.unicast) config += fmt::format("unicast_src_ip = {}\nunicast_peer = {}\n", ip(node), peer);
  if (s.shared_unicast) config += fmt::format("unicast_peer = {}\nunicast_peer = {}\n", ip("lb1"), ip("lb2"));
  if (!s.auth_pass.empty()) config += fmt::format("auth_type = PASS\nauth_pass = {}\n", s.auth_pass);
  config += s.extra;
  const auto path = dir_.write(node + ".ini", config);
  auto& slot = node == "lb1" ? lb1_ : lb2_;
  slot.reset();
  auto argv = s.prefix;
  for (std::string arg : {std::string(HAPAIR_BIN_DIR) + "/vrrpd", std::string("-f"), path}) argv.push_back(arg);
  slot = std::make_unique<DaemonRunner>(argv, dir_.file(node + ".log"), lab_.ns(node));
  REQUIRE(slot->wait_for_log("Entering", std::chrono::seconds(10)));
}

void VrrpLab::start_keepalived(const std::string& node, const VrrpSettings& s) {
  const auto peer = ip(other(node));
  std::string instance = fmt::format(
      "  state BACKUP\n  interface eth1\n  virtual_router_id 51\n  priority {}\n  advert_int {}\n  version {}\n"
      "  virtual_ipaddress {{\n    {}/24 dev eth1\n  }}\n",
      s.priority, keepalived_interval(s.advert_int), s.version, kVip);
  if (!s.preempt) instance += "  nopreempt\n";
  if (s.unicast) instance += fmt::format("  unicast_src_ip {}\n  unicast_peer {{\n    {}\n  }}\n", ip(node), peer);
  if (!s.auth_pass.empty()) {
    instance += fmt::format("  authentication {{\n    auth_type PASS\n    auth_pass {}\n  }}\n", s.auth_pass);
  }
  const auto config = fmt::format(
      "global_defs {{\n  router_id {}\n  script_user root\n}}\nvrrp_instance VI_1 {{\n{}}}\n", node, instance);
  const auto path = dir_.write(node + "-keepalived.conf", config);
  auto& slot = node == "lb1" ? lb1_ : lb2_;
  slot.reset();
  slot = std::make_unique<DaemonRunner>(
      std::vector<std::string>{"keepalived", "-n", "-l", "-D", "-P", "-f", path, "-p", dir_.file(node + "-ka.pid"),
                               "-r", dir_.file(node + "-ka-vrrp.pid")},
      dir_.file(node + "-keepalived.log"), lab_.ns(node));
  REQUIRE(slot->wait_for_log("Entering", std::chrono::seconds(10)));
}

void VrrpLab::start_on_keepalived_conf(const std::string& node, bool keepalived, const std::string& path) {
  auto& slot = node == "lb1" ? lb1_ : lb2_;
  slot.reset();
  std::vector<std::string> argv{"keepalived",
                                "-n",
                                "-l",
                                "-D",
                                "-P",
                                "-i",
                                node,
                                "-f",
                                path,
                                "-p",
                                dir_.file(node + "-ka.pid"),
                                "-r",
                                dir_.file(node + "-ka-vrrp.pid")};
  if (!keepalived) {
    argv = {
        std::string(HAPAIR_BIN_DIR) + "/vrrpd", "-d", "-f", path, "--config-id", node, "-p", dir_.file(node + ".pid")};
  }
  slot =
      std::make_unique<DaemonRunner>(argv, dir_.file(node + (keepalived ? "-keepalived.log" : ".log")), lab_.ns(node));
  REQUIRE(slot->wait_for_log("Entering", std::chrono::seconds(10)));
}

bool VrrpLab::has_vip(const std::string& node) {
  return lab_.addresses(node, "eth1").find(std::string(kVip) + "/24") != std::string::npos;
}

bool VrrpLab::wait_sole_master(const std::string& node, std::chrono::milliseconds timeout) {
  return eventually([&] { return has_vip(node) && !has_vip(other(node)); }, timeout);
}

nlohmann::json VrrpLab::status(const std::string& node) {
  const auto path = dir_.file(node + ".json");
  std::remove(path.c_str());
  daemon(node).signal(SIGUSR1);
  REQUIRE(eventually([&] { return std::ifstream(path).good(); }, std::chrono::seconds(5)));
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

}  // namespace testing
