// Nothing silently ignored: every keyword of HAProxy 2.6's manual
// (tests/compat/haproxy_keywords.txt, one "CONTEXT KEYWORD" per line) is
// either mapped, or accepted with a notice, or refused with an error that
// names why; none falls through to "unknown" or to the generic refusal.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "proxyd/core/haproxy_cfg/reader.h"

namespace {

std::optional<std::string> no_env(std::string_view) {
  return std::nullopt;
}

// A small file that puts <keyword> where its context says, followed by <arg>.
std::string placed(const std::string& context, const std::string& keyword, const std::string& arg) {
  if (context == "global") return "global\n  " + keyword + arg + "\n";
  if (context == "proxy") return "listen p\n  " + keyword + arg + "\n";
  if (context == "bind") return "listen p\n  bind 127.0.0.1:1 " + keyword + arg + "\n";
  if (context == "server") return "listen p\n  server s 127.0.0.1:1 " + keyword + arg + "\n";
  if (context == "section") return keyword + " n\n";
  if (context == "resolvers") return "resolvers r\n  " + keyword + arg + "\n";
  if (context == "userlist") return "userlist u\n  " + keyword + arg + "\n";
  return {};  // keywords of sections proxyd skips whole (peers, mailers …): the section's verdict covers them
}

}  // namespace

TEST_CASE("every HAProxy 2.6 keyword is mapped, a no-op with a notice, or refused with the reason") {
  std::ifstream in(std::string(HAPAIR_SOURCE_DIR) + "/tests/compat/haproxy_keywords.txt");
  REQUIRE(in);
  std::size_t keywords = 0;
  std::vector<std::string> unclassified;
  for (std::string line; std::getline(in, line);) {
    const auto space = line.find(' ');
    if (line.empty() || space == std::string::npos) continue;
    const auto context = line.substr(0, space);
    const auto keyword = line.substr(space + 1);
    if (placed(context, keyword, "").empty()) continue;
    ++keywords;
    // A flag, or a keyword with an argument (a server or bind option, an
    // option of default-server): classified if one of the readings is.
    std::string said;
    bool classified = false;
    for (const auto* arg : {" 1", "", " 127.0.0.1:80"}) {
      const proxyd::haproxy_cfg::SourceFile files[] = {{"k.cfg", placed(context, keyword, arg)}};
      common::config::Diagnostics d;
      (void)proxyd::haproxy_cfg::read(files, no_env, d);
      said = d.to_string();
      classified = classified || (said.find("unknown") == std::string::npos &&
                                  said.find("see proxyd/README.md") == std::string::npos);
    }
    if (!classified) unclassified.push_back(line + ": " + said);
  }
  CHECK(keywords > 500);
  std::ostringstream list;
  for (const auto& u : unclassified) list << u;
  INFO(list.str());
  CHECK(unclassified.empty());
}
