#include "vrrpd/core/notify/script_security.h"

#include <fmt/format.h>

namespace vrrpd::notify {

namespace {
constexpr std::uint32_t kGroupWrite = 0020;
constexpr std::uint32_t kOtherWrite = 0002;
constexpr std::uint32_t kSticky = 01000;
}  // namespace

std::optional<std::string> insecure_component(const std::vector<PathComponent>& components) {
  for (std::size_t i = 0; i < components.size(); ++i) {
    const auto& c = components[i];
    if (c.uid != 0) return fmt::format("{} is owned by uid {}, not root", c.path, c.uid);
    // A sticky directory (/tmp): nobody but root may rename or remove the
    // root-owned entry below it, which is checked next (as Keepalived).
    if (i + 1 < components.size() && (c.mode & kSticky) != 0) continue;
    if (c.mode & kOtherWrite) return fmt::format("{} is writable by others", c.path);
    if (c.mode & kGroupWrite) return fmt::format("{} is writable by its group", c.path);
  }
  return std::nullopt;
}

}  // namespace vrrpd::notify
