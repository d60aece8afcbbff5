#include "common/core/cli.h"

#include <catch2/catch.hpp>

using common::cli::parse_daemon_args;

TEST_CASE("daemon options: -f -c -d -p -V -h and subcommands") {
  std::vector<std::string_view> args{"-f", "/tmp/x.ini", "-c", "-d", "-p", "/tmp/x.pid"};
  auto o = parse_daemon_args(args, "/etc/default.ini");
  REQUIRE(o);
  CHECK(o->config_file == "/tmp/x.ini");
  CHECK(o->check_only);
  CHECK(o->debug);
  CHECK(o->pidfile == "/tmp/x.pid");
  CHECK(o->command.empty());

  std::vector<std::string_view> none;
  CHECK(parse_daemon_args(none, "/etc/default.ini")->config_file == "/etc/default.ini");

  std::vector<std::string_view> cmd{"-f", "a.ini", "notify-test", "VI_1", "MASTER"};
  CHECK(parse_daemon_args(cmd, "x")->command == std::vector<std::string>{"notify-test", "VI_1", "MASTER"});

  std::vector<std::string_view> version{"--version"};
  CHECK(parse_daemon_args(version, "x")->show_version);
}

TEST_CASE("daemon options: errors and declared extra options") {
  std::vector<std::string_view> missing{"-f"};
  CHECK_FALSE(parse_daemon_args(missing, "x"));
  std::vector<std::string_view> unknown{"-z"};
  CHECK(parse_daemon_args(unknown, "x").error().message == "unknown option -z");
  std::vector<std::string_view> extra{"-c", "--peer-config", "theirs.ini"};
  const common::cli::ExtraOption options[] = {{"peer-config", "the other node's config"}};
  auto o = parse_daemon_args(extra, "x", options);
  REQUIRE(o);
  CHECK(o->extra.at("peer-config") == "theirs.ini");
  CHECK_FALSE(parse_daemon_args(extra, "x"));
}
