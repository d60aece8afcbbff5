// Authenticated adverts (auth_hmac) in the lab: forged and replayed adverts
// from a third host on the LAN change nothing, keys rotate without a
// transition, and the migration modes interoperate with unauthenticated
// peers (vrrpd and Keepalived 2.2.7). The attacker is tests/tools/vrrp_forge.py.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "support/vrrp_lab.h"

using namespace std::chrono_literals;
using testing::VrrpLab;
using testing::VrrpSettings;

namespace {

const std::string kForge = std::string(HAPAIR_SOURCE_DIR) + "/tests/tools/vrrp_forge.py";

// `vrrpd genkey ID` appended to <path> (created mode 0600).
void genkey(const std::string& path, int id) {
  const auto command =
      fmt::format("umask 077 && ASAN_OPTIONS=detect_leaks=0 {}/vrrpd genkey {} >> {}", HAPAIR_BIN_DIR, id, path);
  REQUIRE(std::system(command.c_str()) == 0);
}

VrrpSettings with(int priority, VrrpSettings s) {
  s.priority = priority;
  return s;
}

VrrpSettings authenticated(const std::string& mode, const std::string& key_file, int active_key = 1) {
  VrrpSettings s;
  s.unicast = true;
  s.extra = fmt::format("auth_hmac = {}\nkey_file = {}\nactive_key = {}\n", mode, key_file, active_key);
  return s;
}

std::uint64_t counter(VrrpLab& lab, const std::string& node, const std::string& name) {
  const auto counters = lab.status(node)["instances"][0]["counters"];
  if (counters.contains(name)) return counters[name].get<std::uint64_t>();
  return counters["dropped"][name].get<std::uint64_t>();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// An attacker host on the same bridge.
void add_attacker(VrrpLab& lab) {
  lab.lab().add_node("evil");
  lab.lab().connect("evil", "eth1", "10.77.0.66/24", "02:77:00:00:00:66");
}

// 100 adverts at priority 255 in 2 s, each claiming to come from the other
// node; with <spoof_mac>, from lb2's MAC too (an attacker who defeats the
// peer MAC check).
void forge_attack(VrrpLab& lab, bool spoof_mac = false) {
  std::vector<std::string> to_lb1 = {"python3",    kForge,          "forge", "--src",      "10.77.0.12", "--dst",
                                     "10.77.0.11", "--vrid",        "51",    "--priority", "255",        "--count",
                                     "100",        "--interval-ms", "20",    "--vip",      VrrpLab::kVip};
  if (spoof_mac) {
    for (const char* arg : {"--iface", "eth1", "--src-mac", "02:77:00:00:00:12", "--dst-mac", "02:77:00:00:00:11"}) {
      to_lb1.emplace_back(arg);
    }
  }
  auto a = lab.lab().exec("evil", to_lb1);
  auto b =
      lab.lab().exec("evil", {"python3", kForge, "forge", "--src", "10.77.0.11", "--dst", "10.77.0.12", "--vrid", "51",
                              "--priority", "255", "--count", "10", "--interval-ms", "20", "--vip", VrrpLab::kVip});
  REQUIRE(a.success());
  REQUIRE(b.success());
}

}  // namespace

TEST_CASE("auth_hmac enforce: 100 forged priority-255 adverts change nothing (without it they move the VIP)",
          "[root][vrrpd]") {
  {
    VrrpLab open;  // the attack works against an unauthenticated pair
    add_attacker(open);
    VrrpSettings s;
    s.unicast = true;
    open.start_vrrpd("lb1", with(200, s));
    open.start_vrrpd("lb2", with(100, s));
    REQUIRE(open.wait_sole_master("lb1", 10s));
    forge_attack(open, true);
    CHECK(open.daemon("lb1").log().find("Master received advert from 10.77.0.12 with higher priority 255") !=
          std::string::npos);
  }
  VrrpLab lab;
  add_attacker(lab);
  const auto keys = lab.dir().file("vrrp.key");
  genkey(keys, 1);
  const auto s = authenticated("enforce", keys);
  lab.start_vrrpd("lb1", with(200, s));
  lab.start_vrrpd("lb2", with(100, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  std::this_thread::sleep_for(300ms);
  const auto before1 = lab.daemon("lb1").log();
  const auto before2 = lab.daemon("lb2").log();
  forge_attack(lab);
  std::this_thread::sleep_for(300ms);
  CHECK(count(lab.daemon("lb1").log(), "Entering") == count(before1, "Entering"));
  CHECK(count(lab.daemon("lb2").log(), "Entering") == count(before2, "Entering"));
  CHECK(lab.has_vip("lb1"));
  CHECK_FALSE(lab.has_vip("lb2"));
  CHECK(counter(lab, "lb1", "unauthenticated") >= 90);
  CHECK(counter(lab, "lb2", "unauthenticated") >= 5);
  CHECK(counter(lab, "lb2", "authenticated") > 0);
  CHECK(lab.daemon("lb1").log().find(
            "(VI_1) dropped advert from 10.77.0.12: no auth_hmac trailer (auth_hmac enforce)") != std::string::npos);
  CHECK(lab.status("lb1")["instances"][0]["auth_hmac"] == "enforce");
}

TEST_CASE("without keys, forged adverts from another MAC than the peer's are dropped as wrong_mac", "[root][vrrpd]") {
  VrrpLab lab;
  add_attacker(lab);
  VrrpSettings s;
  s.unicast = true;
  lab.start_vrrpd("lb1", with(200, s));
  lab.start_vrrpd("lb2", with(100, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  std::this_thread::sleep_for(300ms);
  const auto before1 = lab.daemon("lb1").log();
  forge_attack(lab);  // from the attacker's own MAC
  std::this_thread::sleep_for(300ms);
  CHECK(count(lab.daemon("lb1").log(), "Entering") == count(before1, "Entering"));
  CHECK(lab.has_vip("lb1"));
  CHECK(counter(lab, "lb1", "wrong_mac") >= 90);
  CHECK(lab.daemon("lb1").log().find("(VI_1) dropped advert from 10.77.0.12: sent from MAC 02:77:00:00:00:66, but "
                                     "10.77.0.12 is at 02:77:00:00:00:12 (from ARP/ND)") != std::string::npos);
  CHECK(lab.status("lb1")["instances"][0]["peer_macs"]["10.77.0.12"]["mac"] == "02:77:00:00:00:12");
}

TEST_CASE("auth_hmac: adverts captured on the wire and replayed a second later are dropped as replays",
          "[root][vrrpd]") {
  VrrpLab lab;
  add_attacker(lab);
  const auto keys = lab.dir().file("vrrp.key");
  genkey(keys, 1);
  auto s = authenticated("enforce", keys);
  s.unicast = false;  // multicast: the attacker's port sees the adverts
  lab.start_vrrpd("lb1", with(200, s));
  lab.start_vrrpd("lb2", with(100, s));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  const auto replay = lab.lab().exec("evil", {"python3", kForge, "replay", "--iface", "eth1", "--from", "10.77.0.11",
                                              "--count", "5", "--delay-s", "1"});
  INFO(replay.describe() << ": " << replay.stderr_first_line);
  REQUIRE(replay.success());
  REQUIRE(lab.daemon("lb2").wait_for_log("replayed: counter", 5s));
  CHECK(counter(lab, "lb2", "replay") >= 5);
  CHECK(lab.has_vip("lb1"));
  CHECK(count(lab.daemon("lb2").log(), "Entering MASTER") == 0);
}

TEST_CASE("auth_hmac: a key rotation through reloads causes no transition; a restarted peer is accepted at once",
          "[root][vrrpd]") {
  VrrpLab lab;
  const auto keys = lab.dir().file("vrrp.key");
  genkey(keys, 1);
  lab.start_vrrpd("lb1", with(200, authenticated("enforce", keys)));
  lab.start_vrrpd("lb2", with(100, authenticated("enforce", keys)));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  const auto entered = [&](const std::string& node) { return count(lab.daemon(node).log(), "Entering"); };
  const auto e1 = entered("lb1");
  const auto e2 = entered("lb2");
  // Rewrite the nodes' files in place (same path) and reload both.
  const auto step = [&](int active) {
    for (const std::string node : {"lb1", "lb2"}) {
      auto path = lab.dir().file(node + ".ini");
      std::ifstream in(path);
      std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      const auto at = text.find("active_key = ");
      text.replace(at, text.find('\n', at) - at, fmt::format("active_key = {}", active));
      lab.dir().write(node + ".ini", text);
      lab.kill(node, SIGHUP);
    }
    std::this_thread::sleep_for(500ms);
  };
  genkey(keys, 2);  // 1. key 2 added on both
  step(1);
  step(2);  // 2. key 2 signs
  {
    std::ifstream in(keys);  // 3. key 1 removed
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto first = text.find("\n1 ");
    text.erase(first, text.find('\n', first + 1) - first);
    lab.dir().write("vrrp.key", text);
    ::chmod(keys.c_str(), 0600);
  }
  step(2);
  CHECK(entered("lb1") == e1);
  CHECK(entered("lb2") == e2);
  CHECK(lab.daemon("lb1").log().find("(VI_1) auth_hmac enforce: active key 2") != std::string::npos);
  const auto authenticated_before = counter(lab, "lb2", "authenticated");
  std::this_thread::sleep_for(300ms);
  CHECK(counter(lab, "lb2", "authenticated") > authenticated_before);
  for (const auto* reason : {"unknown_key", "bad_hmac", "replay", "stale", "unauthenticated"}) {
    INFO(reason);
    CHECK(counter(lab, "lb2", reason) == 0);
  }
  // lb1 restarts with the same key: lb2 takes over on its priority 0 and
  // yields again to the restarted lb1, whose counters start from its clock.
  lab.kill("lb1", SIGTERM);
  REQUIRE(lab.daemon("lb1").wait_exit(5s));
  REQUIRE(lab.wait_sole_master("lb2", 5s));
  lab.start_vrrpd("lb1", with(200, authenticated("enforce", keys, 2)));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  CHECK(counter(lab, "lb2", "replay") == 0);
  CHECK(counter(lab, "lb2", "stale") == 0);
}

TEST_CASE(
    "auth_hmac permissive accepts an unauthenticated vrrpd peer and counts it; receive_only interoperates "
    "with Keepalived 2.2.7",
    "[root][vrrpd][keepalived]") {
  VrrpLab lab;
  const auto keys = lab.dir().file("vrrp.key");
  genkey(keys, 1);
  VrrpSettings plain;
  plain.unicast = true;
  lab.start_vrrpd("lb1", with(200, plain));
  lab.start_vrrpd("lb2", with(100, authenticated("permissive", keys)));
  REQUIRE(lab.wait_sole_master("lb1", 10s));
  std::this_thread::sleep_for(500ms);
  CHECK(lab.has_vip("lb1"));
  CHECK(counter(lab, "lb2", "unauthenticated_accepted") > 0);
  CHECK(lab.daemon("lb2").log().find("(VI_1) accepted unauthenticated advert from 10.77.0.11") != std::string::npos);

  VrrpLab mixed;
  const auto keys2 = mixed.dir().file("vrrp.key");
  genkey(keys2, 1);
  mixed.start_keepalived("lb1", with(200, plain));
  mixed.start_vrrpd("lb2", with(100, authenticated("receive_only", keys2)));
  REQUIRE(mixed.wait_sole_master("lb1", 10s));
  std::this_thread::sleep_for(500ms);
  CHECK(counter(mixed, "lb2", "unauthenticated_accepted") > 0);
  // And the other way round: Keepalived accepts receive_only's plain adverts.
  mixed.kill("lb1", SIGTERM);
  REQUIRE(mixed.daemon("lb1").wait_exit(10s));  // its VRRP child too, and its pid files
  REQUIRE(mixed.wait_sole_master("lb2", 10s));
  mixed.start_keepalived("lb1", with(100, plain));
  std::this_thread::sleep_for(1500ms);
  CHECK(mixed.has_vip("lb2"));
  CHECK_FALSE(mixed.has_vip("lb1"));
}
