#include "proxyd/core/stats/admin_command.h"

#include <catch2/catch.hpp>

using namespace proxyd::stats;

namespace {

template <class T>
T parsed(std::string_view line) {
  const auto command = parse_admin_command(line);
  INFO(line);
  REQUIRE(command);
  REQUIRE(std::holds_alternative<T>(*command));
  return std::get<T>(*command);
}

std::string error_of(std::string_view line) {
  const auto command = parse_admin_command(line);
  REQUIRE_FALSE(command);
  return command.error().message;
}

}  // namespace

TEST_CASE("show commands", "[proxyd][stats]") {
  parsed<ShowInfo>("show info");
  parsed<ShowStat>("  show   stat ");
  parsed<ShowSessions>("show sess");
  parsed<ShowHealth>("show health");
  parsed<HelpCommand>("help");
  CHECK(parsed<ShowServersState>("show servers state").backend.empty());
  CHECK(parsed<ShowServersState>("show servers state app").backend == "app");
}

TEST_CASE("server state commands, in HAProxy's spellings", "[proxyd][stats]") {
  const auto disable = parsed<SetServerState>("disable server app/web1");
  CHECK(disable.server == ServerRef{"app", "web1"});
  CHECK(disable.state == AdminState::Maint);
  CHECK(parsed<SetServerState>("enable server app/web1").state == AdminState::Ready);
  CHECK(parsed<SetServerState>("set server app/web1 state drain").state == AdminState::Drain);
  CHECK(parsed<SetServerState>("set server app/web1 state maint").state == AdminState::Maint);
  CHECK(parsed<SetServerState>("set server app/web1 state ready").state == AdminState::Ready);
  CHECK(error_of("set server app/web1 state sleepy").find("ready, drain or maint") != std::string::npos);
  CHECK(error_of("disable server web1").find("BACKEND/SERVER") != std::string::npos);
  CHECK(error_of("disable server app/").find("BACKEND/SERVER") != std::string::npos);
  CHECK(error_of("disable server a/b/c").find("BACKEND/SERVER") != std::string::npos);
}

TEST_CASE("weights: absolute or a percentage of the configured weight", "[proxyd][stats]") {
  const auto abs = parsed<SetWeight>("set weight app/web1 10");
  CHECK(abs.value == 10);
  CHECK_FALSE(abs.percent);
  const auto pct = parsed<SetWeight>("set weight app/web1 50%");
  CHECK(pct.percent);
  CHECK(resolve_weight(pct, 4) == 2u);
  CHECK(resolve_weight(pct, 1) == 0u);  // rounded down
  CHECK(resolve_weight(abs, 4) == 10u);
  CHECK_FALSE(resolve_weight(parsed<SetWeight>("set weight app/web1 1000%"), 100));
  CHECK_FALSE(parse_admin_command("set weight app/web1 257"));
  CHECK_FALSE(parse_admin_command("set weight app/web1 -1"));
  CHECK_FALSE(parse_admin_command("set weight app/web1 x%"));
  CHECK(parsed<GetWeight>("get weight app/web1").server == ServerRef{"app", "web1"});
}

TEST_CASE("unknown and empty commands point to help", "[proxyd][stats]") {
  CHECK(error_of("reboot").find("'help'") != std::string::npos);
  CHECK(error_of("show everything").find("'help'") != std::string::npos);
  CHECK(error_of("   ").find("empty") != std::string::npos);
  CHECK(admin_help().find("set weight") != std::string_view::npos);
}

TEST_CASE("a line splits into commands on ';'", "[proxyd][stats]") {
  const auto commands = split_commands("show info; ;disable server a/b ;");
  REQUIRE(commands.size() == 2);
  CHECK(commands[0] == "show info");
  CHECK(commands[1] == "disable server a/b");
}

TEST_CASE("runtime API levels: user reads, operator sees sessions, admin changes", "[proxyd][stats]") {
  using proxyd::stats::AccessLevel;
  auto need = [](std::string_view line) { return required_level(*proxyd::stats::parse_admin_command(line)); };
  CHECK(need("help") == AccessLevel::User);
  CHECK(need("show stat") == AccessLevel::User);
  CHECK(need("get weight b/s") == AccessLevel::User);
  CHECK(need("show sess") == AccessLevel::Operator);
  CHECK(need("disable server b/s") == AccessLevel::Admin);
  CHECK(need("set weight b/s 10") == AccessLevel::Admin);
  CHECK(*proxyd::stats::parse_access_level("operator") == AccessLevel::Operator);
  CHECK_FALSE(proxyd::stats::parse_access_level("root"));
  CHECK(AccessLevel::User < AccessLevel::Operator);
  CHECK(AccessLevel::Operator < AccessLevel::Admin);
}
