// Reading a raw HTTP response head in tests that speak HTTP over a plain
// socket (to compare exactly what HAProxy and proxyd sent).
#pragma once

#include <strings.h>

#include <sstream>
#include <string>

namespace testing {

// The value of the first header <name> (case-insensitive) of <head>, or "".
inline std::string header_of(const std::string& head, const std::string& name) {
  std::istringstream in(head);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() <= name.size() || line[name.size()] != ':') continue;
    if (strncasecmp(line.c_str(), name.c_str(), name.size()) != 0) continue;
    const auto start = line.find_first_not_of(' ', name.size() + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return {};
}

}  // namespace testing
