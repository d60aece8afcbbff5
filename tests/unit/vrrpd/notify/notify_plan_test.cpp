#include "vrrpd/core/notify/notify_plan.h"

#include <catch2/catch.hpp>

using namespace vrrpd;

namespace {

config::NotifyCommands commands() {
  common::config::Diagnostics d;
  auto c =
      config::load_vrrp_config(common::config::parse_ini("[instance VI_1]\ninterface = eth0\nvirtual_router_id = 51\n"
                                                         "notify_master = /etc/hooks/notify_master extra1 'two words'\n"
                                                         "notify = /etc/hooks/notify extra1 'two words'\n",
                                                         "x.ini", d),
                               d);
  REQUIRE_FALSE(d.has_errors());
  return c.instances[0].notify;
}

}  // namespace

TEST_CASE("notify argv is exactly keepalived's: hooks as configured, notify with four more words") {
  // shared/reference/keepalived/notify-argv-sample.txt: "notify argc=6 ... [extra1] [two words] [INSTANCE]
  // [VI_1] [MASTER] [100]" and "notify_master argc=2 ... [extra1] [two words]".
  const auto plan = notify::plan(commands(), {notify::Subject::Instance, "VI_1", notify::NotifyState::Master, 100});
  REQUIRE(plan.size() == 2);
  CHECK(plan[0] == std::vector<std::string>{"/etc/hooks/notify_master", "extra1", "two words"});
  CHECK(plan[1] ==
        std::vector<std::string>{"/etc/hooks/notify", "extra1", "two words", "INSTANCE", "VI_1", "MASTER", "100"});
}

TEST_CASE("a state without its hook runs only the generic notify; groups report priority 0") {
  const auto plan = notify::plan(commands(), {notify::Subject::Group, "G", notify::NotifyState::Fault, 200});
  REQUIRE(plan.size() == 1);
  CHECK(plan[0] == std::vector<std::string>{"/etc/hooks/notify", "extra1", "two words", "GROUP", "G", "FAULT", "0"});
}

TEST_CASE("FIFO lines and environment") {
  CHECK(notify::fifo_line({notify::Subject::Instance, "VI_1", notify::NotifyState::Master, 200}) ==
        "INSTANCE \"VI_1\" MASTER 200\n");
  CHECK(notify::fifo_line({notify::Subject::Group, "G", notify::NotifyState::Stop, 200}) == "GROUP \"G\" STOP 0\n");
  CHECK(notify::environment({notify::Subject::Instance, "VI_1", notify::NotifyState::Backup, 150}) ==
        std::vector<std::string>{"VRRPD_INSTANCE=VI_1", "VRRPD_STATE=BACKUP", "VRRPD_PRIORITY=150"});
}
