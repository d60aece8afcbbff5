#include "proxyd/core/stats/admin_command.h"

#include "common/core/config/value_parsers.h"
#include "common/core/text.h"
#include "proxyd/core/stats/map_command.h"

namespace proxyd::stats {
namespace {

using common::fail;
using common::Result;
using Words = std::vector<std::string_view>;

constexpr std::uint32_t kMaxWeight = 256;

Result<ServerRef> parse_server_ref(std::string_view word) {
  const auto slash = word.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == word.size() ||
      word.find('/', slash + 1) != std::string_view::npos) {
    return fail("expected BACKEND/SERVER, got '{}'", word);
  }
  return ServerRef{std::string(word.substr(0, slash)), std::string(word.substr(slash + 1))};
}

Result<AdminState> parse_state(std::string_view word) {
  if (word == "ready") return AdminState::Ready;
  if (word == "drain") return AdminState::Drain;
  if (word == "maint") return AdminState::Maint;
  return fail("expected ready, drain or maint, got '{}'", word);
}

Result<AdminCommand> parse_show(const Words& w) {
  if (w.size() == 2 && w[1] == "info") return ShowInfo{};
  if (w.size() == 2 && w[1] == "stat") return ShowStat{};
  if (w.size() == 2 && w[1] == "sess") return ShowSessions{};
  if (w.size() == 2 && w[1] == "health") return ShowHealth{};
  if (w.size() == 2 && w[1] == "resolvers") return ShowResolvers{};
  if (w.size() >= 3 && w.size() <= 4 && w[1] == "servers" && w[2] == "state") {
    return ShowServersState{w.size() == 4 ? std::string(w[3]) : std::string()};
  }
  return fail("unknown command; 'help' lists them");
}

Result<AdminCommand> server_state(std::string_view ref, AdminState state) {
  auto server = parse_server_ref(ref);
  if (!server) return tl::unexpected(server.error());
  return SetServerState{*server, state};
}

Result<AdminCommand> parse_set_weight(std::string_view ref, std::string_view value) {
  auto server = parse_server_ref(ref);
  if (!server) return tl::unexpected(server.error());
  const bool percent = value.ends_with('%');
  if (percent) value.remove_suffix(1);
  auto n = common::config::parse_uint(value, 0, percent ? 100'000 : kMaxWeight);
  if (!n) return fail("expected a weight from 0 to {} or a percentage such as 50%", kMaxWeight);
  return SetWeight{*server, static_cast<std::uint32_t>(*n), percent};
}

// set server B/S addr IP [port N]
Result<AdminCommand> parse_set_addr(const Words& w) {
  auto server = parse_server_ref(w[2]);
  if (!server) return tl::unexpected(server.error());
  const auto address = common::net::IpAddress::parse(w[4]);
  if (!address) return fail("expected an IP address, got '{}'", w[4]);
  SetServerAddr command{*server, *address, 0};
  if (w.size() == 7) {
    const auto port = common::config::parse_uint(w[6], 1, 65535);
    if (w[5] != "port" || !port) return fail("expected addr IP [port N] (1..65535)");
    command.port = static_cast<std::uint16_t>(*port);
  }
  return command;
}

Result<AdminCommand> parse_words(const Words& w) {
  if (w.size() == 1 && w[0] == "help") return HelpCommand{};
  if (w[0] == "show") return parse_show(w);
  if (w.size() == 3 && w[1] == "server" && (w[0] == "disable" || w[0] == "enable")) {
    return server_state(w[2], w[0] == "disable" ? AdminState::Maint : AdminState::Ready);
  }
  if (w.size() == 5 && w[0] == "set" && w[1] == "server" && w[3] == "state") {
    auto state = parse_state(w[4]);
    if (!state) return tl::unexpected(state.error());
    return server_state(w[2], *state);
  }
  if (w.size() == 4 && w[0] == "set" && w[1] == "weight") return parse_set_weight(w[2], w[3]);
  if ((w.size() == 5 || w.size() == 7) && w[0] == "set" && w[1] == "server" && w[3] == "addr") return parse_set_addr(w);
  if (w.size() == 3 && w[0] == "get" && w[1] == "weight") {
    auto server = parse_server_ref(w[2]);
    if (!server) return tl::unexpected(server.error());
    return GetWeight{*server};
  }
  return fail("unknown command; 'help' lists them");
}

}  // namespace

Result<AccessLevel> parse_access_level(std::string_view word) {
  if (word == "user") return AccessLevel::User;
  if (word == "operator") return AccessLevel::Operator;
  if (word == "admin") return AccessLevel::Admin;
  return fail("expected level user, operator or admin, got '{}'", word);
}

std::string_view access_level_name(AccessLevel level) {
  switch (level) {
    case AccessLevel::User:
      return "user";
    case AccessLevel::Operator:
      return "operator";
    case AccessLevel::Admin:
      break;
  }
  return "admin";
}

AccessLevel required_level(const AdminCommand& command) {
  if (std::holds_alternative<ShowSessions>(command)) return AccessLevel::Operator;
  if (std::holds_alternative<SetServerState>(command) || std::holds_alternative<SetWeight>(command) ||
      std::holds_alternative<SetServerAddr>(command))
    return AccessLevel::Admin;
  return AccessLevel::User;
}

Result<AdminCommand> parse_admin_command(std::string_view line) {
  const auto words = common::text::split_words(line);
  if (words.empty()) return fail("empty command; 'help' lists them");
  return parse_words(words);
}

std::vector<std::string_view> split_commands(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    const auto semicolon = line.find(';');
    const auto command = common::text::trim(line.substr(0, semicolon));
    if (!command.empty()) out.push_back(command);
    line = semicolon == std::string_view::npos ? std::string_view{} : line.substr(semicolon + 1);
  }
  return out;
}

Result<std::uint32_t> resolve_weight(const SetWeight& command, std::uint32_t configured) {
  const std::uint64_t weight =
      command.percent ? std::uint64_t{configured} * command.value / 100 : std::uint64_t{command.value};
  if (weight > kMaxWeight) return fail("weight {} is above the maximum of {}", weight, kMaxWeight);
  return static_cast<std::uint32_t>(weight);
}

std::string admin_help() {
  return std::string(
             "Commands (several may share a line, separated by ';'):\n"
             "  help                                      this list\n"
             "  show info                                 process information\n"
             "  show stat                                 statistics as CSV (HAProxy's columns)\n"
             "  show servers state [BACKEND]              every server's state, one line each\n"
             "  show sess                                 session counts by worker, frontend, backend, server\n"
             "  show health                               what the health endpoint answers\n"
             "  show resolvers                            each [resolvers] section's names and answers\n"
             "  disable server BACKEND/SERVER             maintenance: no new connections, no checks\n"
             "  enable server BACKEND/SERVER              back to ready\n"
             "  set server BACKEND/SERVER state STATE     ready | drain (no new connections) | maint\n"
             "  set weight BACKEND/SERVER N|N%            weight 0-256, or a percentage of the configured one\n"
             "  get weight BACKEND/SERVER                 current and configured weight\n"
             "  set server BACKEND/SERVER addr IP [port N] a new address, at once (no reload)\n") +
         std::string(map_help());
}

}  // namespace proxyd::stats
