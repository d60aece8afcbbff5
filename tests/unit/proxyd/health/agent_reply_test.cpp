#include "proxyd/core/health/agent_reply.h"

#include <catch2/catch.hpp>

#include "proxyd/core/health/health_log.h"

using namespace proxyd::health;
using proxyd::stats::AdminState;

TEST_CASE("agent replies: words in any order, blanks or commas, case-insensitive", "[proxyd][health][agent]") {
  const auto r = parse_agent_reply("75%, MAINT maxconn:30 down # disk full \r\nignored");
  CHECK(r.weight_percent == 75u);
  CHECK(r.admin == AdminState::Maint);
  CHECK(r.maxconn == 30u);
  CHECK(r.up == false);
  CHECK(r.description == "disk full");
  CHECK(r.unknown.empty());
}

TEST_CASE("agent replies: each word alone, and what is ignored", "[proxyd][health][agent]") {
  CHECK(parse_agent_reply("ready\n").admin == AdminState::Ready);
  CHECK(parse_agent_reply("drain").admin == AdminState::Drain);
  CHECK(parse_agent_reply("up").up == true);
  CHECK(parse_agent_reply("failed").up == false);
  CHECK(parse_agent_reply("stopped").up == false);
  CHECK(parse_agent_reply("0%").weight_percent == 0u);
  const auto odd = parse_agent_reply("hello 50 %% 999999% maxconn:x");
  CHECK_FALSE(odd.weight_percent);
  CHECK_FALSE(odd.maxconn);
  CHECK(odd.unknown == std::vector<std::string>{"hello", "50", "%%", "999999%", "maxconn:x"});
  CHECK(parse_agent_reply("").unknown.empty());
  CHECK(parse_agent_reply("#only a note").description == "only a note");
}

TEST_CASE("agent weight: a percentage of the configured weight, at most 256", "[proxyd][health][agent]") {
  CHECK(agent_weight(10, 50) == 5);
  CHECK(agent_weight(3, 50) == 1);
  CHECK(agent_weight(100, 1000) == 256);
  CHECK(agent_weight(7, 0) == 0);
}

TEST_CASE("an agent's verdict is logged as HAProxy logs a server going DOWN or UP", "[proxyd][health][agent]") {
  CHECK(format_agent_transition("app", "web1", false, ServerHealth::Down, "backup running", {1, 0, 3, 0, 0}) ==
        "Server app/web1 is DOWN, reason: Agent reports down, info: \"backup running\". 1 active and 0 backup "
        "servers left. 3 sessions active, 0 requeued, 0 remaining in queue.");
  CHECK(format_agent_transition("app", "web1", false, ServerHealth::Up, "", {2, 0, 0, 0, 0}) ==
        "Server app/web1 is UP, reason: Agent reports up. 2 active and 0 backup servers online. 0 sessions "
        "requeued, 0 total in queue.");
}
