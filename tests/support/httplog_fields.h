// The fields of HAProxy's httplog lines that proxyd's must share, for the
// tests that run both on one haproxy.cfg.
#pragma once

#include <fmt/format.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace testing {

// "frontend backend/server status request" of each httplog line of <log>.
inline std::vector<std::string> httplog_fields(const std::string& log) {
  static const std::regex kLine(R"((\S+) (\S+)/(\S+) \S+ (\d+) .*"(\S+ \S+) HTTP/1.1"$)");
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kLine))
      out.push_back(fmt::format("{} {}/{} {} {}", m[1].str(), m[2].str(), m[3].str(), m[4].str(), m[5].str()));
  }
  return out;
}

}  // namespace testing
