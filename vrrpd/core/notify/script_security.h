// Script security (keepalived's enable_script_security, always on): a
// script run as root must not be replaceable by anyone else, so every
// component of its path, from / down to the file, must be owned by root and
// not writable by group or others; a sticky directory such as /tmp may be
// (only root may move the root-owned entry below it), as Keepalived allows.
// The caller stats the components; this decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vrrpd::notify {

struct PathComponent {
  std::string path;  // "/", "/etc", "/etc/vrrpd", "/etc/vrrpd/notify.sh"
  std::uint32_t uid = 0;
  std::uint32_t mode = 0;  // st_mode permission bits, with the sticky bit (07777)
};

// Why the script is unsafe to run as root (naming the component), or nothing.
std::optional<std::string> insecure_component(const std::vector<PathComponent>& components);

}  // namespace vrrpd::notify
