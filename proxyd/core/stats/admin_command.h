// The runtime API's commands, parsed from one line of text (HAProxy's
// spelling for the commands people script):
//   help
//   show info | show stat | show servers state [BACKEND] | show sess | show health
//   disable server B/S            (= set server B/S state maint)
//   enable server B/S             (= set server B/S state ready)
//   set server B/S state ready|drain|maint
//   set weight B/S N|N%           (N% of the configured weight)
//   get weight B/S
//   set server B/S addr IP [port N]
//   show resolvers
//   show|get|add|set|del|clear|commit map|acl ... (map_command.h)
// Several commands may share a line, separated by ';'.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/core/result.h"
#include "proxyd/core/stats/access_level.h"
#include "proxyd/core/stats/stats_snapshot.h"

namespace proxyd::stats {

struct ServerRef {
  std::string backend;
  std::string server;
  friend bool operator==(const ServerRef&, const ServerRef&) = default;
};

struct HelpCommand {};
struct ShowInfo {};
struct ShowStat {};
struct ShowServersState {
  std::string backend;  // empty: every backend
};
struct ShowSessions {};
struct ShowHealth {};
struct SetServerState {
  ServerRef server;
  AdminState state = AdminState::Ready;
};
struct SetWeight {
  ServerRef server;
  std::uint32_t value = 0;
  bool percent = false;  // value is a percentage of the configured weight
};
struct GetWeight {
  ServerRef server;
};
struct SetServerAddr {
  ServerRef server;
  common::net::IpAddress address;
  std::uint16_t port = 0;  // 0: keep the port
};
struct ShowResolvers {};

using AdminCommand = std::variant<HelpCommand, ShowInfo, ShowStat, ShowServersState, ShowSessions, ShowHealth,
                                  SetServerState, SetWeight, GetWeight, SetServerAddr, ShowResolvers>;

// The level a socket needs for <command> (access_level.h).
AccessLevel required_level(const AdminCommand& command);

// One command (no ';'). The error message is the answer to send back.
common::Result<AdminCommand> parse_admin_command(std::string_view line);

// The commands of a line split on ';', blank ones dropped.
std::vector<std::string_view> split_commands(std::string_view line);

// The weight <command> asks for, given the server's configured weight:
// N, or N% of <configured> (rounded down); an error above the maximum (256).
common::Result<std::uint32_t> resolve_weight(const SetWeight& command, std::uint32_t configured);

// The text of `help`.
std::string admin_help();

}  // namespace proxyd::stats
