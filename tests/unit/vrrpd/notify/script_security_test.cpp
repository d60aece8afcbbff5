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
  path[1].mode = 01777;
  CHECK(insecure_component(path) == "/etc is writable by others");
}
