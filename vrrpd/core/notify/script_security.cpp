#include "vrrpd/core/notify/script_security.h"

#include <fmt/format.h>

namespace vrrpd::notify {

namespace {
constexpr std::uint32_t kGroupWrite = 0020;
constexpr std::uint32_t kOtherWrite = 0002;
}  // namespace

std::optional<std::string> insecure_component(const std::vector<PathComponent>& components) {
  for (const auto& c : components) {
    if (c.uid != 0) return fmt::format("{} is owned by uid {}, not root", c.path, c.uid);
    if (c.mode & kOtherWrite) return fmt::format("{} is writable by others", c.path);
    if (c.mode & kGroupWrite) return fmt::format("{} is writable by its group", c.path);
  }
  return std::nullopt;
}

}  // namespace vrrpd::notify
