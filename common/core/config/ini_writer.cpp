#include "common/core/config/ini_writer.h"

#include <fmt/format.h>

namespace common::config {

std::string to_ini(const IniDocument& doc, std::string_view header) {
  std::string out = fmt::format("; {}\n", header);
  for (const auto& s : doc.sections) {
    const auto at = doc.at(s.line);
    out += s.line > 0 ? fmt::format("\n; {}:{}\n", at.file, at.line) : "\n";
    out += s.name.empty() ? fmt::format("[{}]\n", s.kind) : fmt::format("[{} {}]\n", s.kind, s.name);
    int last = -1;
    for (const auto& e : s.entries) {
      if (e.line != last && e.line > 0) {
        const auto where = doc.at(e.line);
        out += fmt::format("; {}:{}\n", where.file, where.line);
      }
      last = e.line;
      out += fmt::format("{} = {}\n", e.key, e.value);
    }
  }
  return out;
}

}  // namespace common::config
