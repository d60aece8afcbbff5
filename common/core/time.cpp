#include "common/core/time.h"

#include <fmt/format.h>

namespace common {

std::string format_duration(Duration d) {
  auto ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  if (ms % 1000 != 0) {
    return out + fmt::format("{}ms", ms);
  }
  auto s = ms / 1000;
  const auto h = s / 3600;
  const auto m = (s % 3600) / 60;
  s %= 60;
  if (h != 0) out += fmt::format("{}h", h);
  if (m != 0) out += fmt::format("{}m", m);
  if (s != 0) out += fmt::format("{}s", s);
  return out;
}

}  // namespace common
