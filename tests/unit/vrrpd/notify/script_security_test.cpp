#include "vrrpd/core/notify/script_security.h"

#include <catch2/catch.hpp>

using namespace vrrpd::notify;

TEST_CASE("a root script path must be root-owned and not group or world writable, component by component") {
  std::vector<PathComponent> path{
      {"/", 0, 0755}, {"/etc", 0, 0755}, {"/etc/vrrpd", 0, 0755}, {"/etc/vrrpd/notify.sh", 0, 0755}};
  CHECK_FALSE(insecure_component(path));
  path[2].mode = 0775;
  CHECK(insecure_component(path) == "/etc/vrrpd is writable by its group");
  path[2].mode = 0755;
  path[3].uid = 1000;
  CHECK(insecure_component(path) == "/etc/vrrpd/notify.sh is owned by uid 1000, not root");
  path[3].uid = 0;
  path[1].mode = 0777;
  CHECK(insecure_component(path) == "/etc is writable by others");
}

TEST_CASE("a sticky directory (/tmp) may be world writable: only root may move the root-owned entry below it") {
  // Keepalived 2.2.7 runs /tmp/DIR/notify.sh as root with enable_script_security
  // (the keepalived.conf differential test shows it); vrrpd does the same.
  std::vector<PathComponent> path{{"/", 0, 0755}, {"/tmp", 0, 01777}, {"/tmp/d", 0, 0700}, {"/tmp/d/n.sh", 0, 0755}};
  CHECK_FALSE(insecure_component(path));
  path[2].uid = 1000;  // a user's directory in /tmp: they could replace the script
  CHECK(insecure_component(path) == "/tmp/d is owned by uid 1000, not root");
  path[2] = {"/tmp/n.sh", 0, 01777};  // the script itself: its stickiness does not count
  path.pop_back();
  CHECK(insecure_component(path) == "/tmp/n.sh is writable by others");
}
