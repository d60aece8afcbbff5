// Nothing silently ignored: every keyword of Keepalived 2.2.7's manual
// (tests/compat/keepalived_keywords.txt, one "CONTEXT KEYWORD" per line) is
// mapped, accepted with a notice, or refused with an error saying why; none
// falls through to the "unknown keyword" warning.
#include <catch2/catch.hpp>
#include <fstream>

#include "vrrpd/core/keepalived_conf/reader.h"

namespace {

// A small file that puts <keyword> where its context says.
std::string placed(const std::string& context, const std::string& keyword) {
  const auto item = keyword + " 1\n";
  if (context == "section") return keyword + " x {\n}\n";
  if (context == "vrrp_instance") return "vrrp_instance I {\n" + item + "}\n";
  if (context == "vrrp_sync_group") return "vrrp_sync_group g {\ngroup { I }\n" + item + "}\n";
  if (context == "virtual_ipaddress" || context == "unicast_peer") {
    // Options of an address line: flags take no value.
    return "vrrp_instance I {\n" + context + " {\n10.0.0.1 " + keyword + "\n}\n}\n";
  }
  if (context == "authentication" || context == "virtual_routes" || context == "virtual_rules") {
    return "vrrp_instance I {\n" + context + " {\n" + item + "}\n}\n";
  }
  if (context == "global_defs") return "global_defs {\n" + item + "}\n";
  if (context == "vrrp_script") return "vrrp_script s {\n" + item + "}\n";
  // vrrp_track_process, track_file, static_*, linkbeat_interfaces: blocks of their own.
  return context + " n {\n" + item + "}\n";
}

}  // namespace

TEST_CASE("every Keepalived 2.2.7 keyword is mapped, a no-op with a notice, or refused with the reason") {
  std::ifstream in(std::string(HAPAIR_SOURCE_DIR) + "/tests/compat/keepalived_keywords.txt");
  REQUIRE(in);
  std::size_t keywords = 0;
  std::vector<std::string> unclassified;
  for (std::string line; std::getline(in, line);) {
    const auto space = line.find(' ');
    if (line.empty() || space == std::string::npos) continue;
    const auto context = line.substr(0, space);
    const auto keyword = line.substr(space + 1);
    ++keywords;
    common::config::Diagnostics d;
    (void)vrrpd::keepalived_conf::read({"k.conf", placed(context, keyword)}, {"lb1", {}}, d);
    if (d.to_string().find("unknown keyword") != std::string::npos) unclassified.push_back(line);
  }
  CHECK(keywords == 383);
  INFO("unclassified: " << Catch::Detail::stringify(unclassified));
  CHECK(unclassified.empty());
}
