// RLIMIT_NOFILE planning: what maxconn needs, and what to set.
#include "proxyd/core/limits/file_limit.h"

#include <catch2/catch.hpp>

using namespace proxyd;

TEST_CASE("descriptors needed: two per connection, one per listener and server, plus a reserve") {
  config::ProxyConfig c;
  c.global.maxconn = 20000;
  CHECK(limits::descriptors_needed(c) == 40000 + limits::kReserve);
  c.frontends.resize(1);
  c.frontends[0].binds.resize(2);
  c.backends.resize(1);
  c.backends[0].servers.resize(3);
  CHECK(limits::descriptors_needed(c) == 40000 + limits::kReserve + 5);
}

TEST_CASE("the soft limit rises to what is needed, never beyond the hard limit, never down") {
  auto p = limits::plan_file_limit(1024, 524288, 41024);
  CHECK(p.soft == 41024);
  CHECK_FALSE(p.short_of_needed);
  p = limits::plan_file_limit(1024, 4096, 41024);  // hard limit too low: as far as it goes, and a warning
  CHECK(p.soft == 4096);
  CHECK(p.short_of_needed);
  p = limits::plan_file_limit(1048576, 1048576, 41024);  // systemd's LimitNOFILE already more: unchanged
  CHECK(p.soft == 1048576);
  CHECK_FALSE(p.short_of_needed);
}
