#include "proxyd/core/stats/stats_snapshot.h"

#include <fmt/format.h>

#include <algorithm>

namespace proxyd::stats {

std::string_view admin_state_name(AdminState state) {
  switch (state) {
    case AdminState::Ready:
      return "READY";
    case AdminState::Drain:
      return "DRAIN";
    case AdminState::Maint:
      return "MAINT";
  }
  return "?";
}

std::string_view status_name(ServerStatus status) {
  switch (status) {
    case ServerStatus::Up:
      return "UP";
    case ServerStatus::Down:
      return "DOWN";
    case ServerStatus::Drain:
      return "DRAIN";
    case ServerStatus::Maint:
      return "MAINT";
    case ServerStatus::NoCheck:
      return "no check";
  }
  return "?";
}

std::string_view check_status_code(health::CheckStatus status) {
  switch (status) {
    case health::CheckStatus::Layer4Ok:
      return "L4OK";
    case health::CheckStatus::Layer4Timeout:
      return "L4TOUT";
    case health::CheckStatus::Layer4ConnectionProblem:
      return "L4CON";
    case health::CheckStatus::SocketError:
      return "SOCKERR";
    case health::CheckStatus::Layer6InvalidResponse:
      return "L6RSP";
    case health::CheckStatus::Layer7Ok:
      return "L7OK";
    case health::CheckStatus::Layer7Timeout:
      return "L7TOUT";
    case health::CheckStatus::Layer7InvalidResponse:
      return "L7RSP";
    case health::CheckStatus::Layer7WrongStatus:
      return "L7STS";
    case health::CheckStatus::HealthAnalyze:
      return "HANA";
  }
  return "?";
}

std::string_view mode_name(config::Mode mode) {
  switch (mode) {
    case config::Mode::Tcp:
      return "tcp";
    case config::Mode::Http:
      return "http";
  }
  return "?";
}

std::string_view balance_name(config::Balance balance) {
  switch (balance) {
    case config::Balance::RoundRobin:
      return "roundrobin";
    case config::Balance::StaticRr:
      return "static-rr";
    case config::Balance::LeastConn:
      return "leastconn";
    case config::Balance::Source:
      return "source";
    case config::Balance::First:
      return "first";
    case config::Balance::Random:
      return "random";
    case config::Balance::Uri:
      return "uri";
    case config::Balance::Header:
      return "hdr";
  }
  return "?";
}

Counters& Counters::operator+=(const Counters& other) {
  sessions += other.sessions;
  bytes_in += other.bytes_in;
  bytes_out += other.bytes_out;
  request_errors += other.request_errors;
  connect_errors += other.connect_errors;
  response_errors += other.response_errors;
  retries += other.retries;
  redispatches += other.redispatches;
  for (std::size_t i = 0; i < kHttpClasses; ++i) http_responses[i] += other.http_responses[i];
  return *this;
}

ServerStatus ServerSnapshot::status() const {
  if (admin == AdminState::Maint || !resolved) return ServerStatus::Maint;
  if (!up) return ServerStatus::Down;
  if (admin == AdminState::Drain) return ServerStatus::Drain;
  return check.enabled ? ServerStatus::Up : ServerStatus::NoCheck;
}

std::string ServerSnapshot::status_text() const {
  const auto s = status();
  if (!resolved && admin != AdminState::Maint) return "MAINT (resolution)";
  if (s == ServerStatus::Up && check.consecutive_failures > 0) {
    return fmt::format("UP {}/{}", check.consecutive_failures, check.fall);
  }
  if (s == ServerStatus::Down && check.enabled && check.consecutive_successes > 0) {
    return fmt::format("DOWN {}/{}", check.consecutive_successes, check.rise);
  }
  return std::string(status_name(s));
}

std::uint32_t ServerSnapshot::check_health() const {
  if (!check.enabled || check.rise == 0) return 0;
  if (!up) return std::min(check.consecutive_successes, check.rise - 1);
  const auto top = check.rise + check.fall - 1;
  return top - std::min(check.consecutive_failures, check.fall - 1);
}

Counters BackendSnapshot::totals() const {
  Counters sum;
  for (const auto& s : servers) sum += s.counters;
  return sum;
}

std::uint32_t BackendSnapshot::active_servers() const {
  return static_cast<std::uint32_t>(
      std::count_if(servers.begin(), servers.end(), [](const auto& s) { return s.in_service() && !s.backup; }));
}

std::uint32_t BackendSnapshot::backup_servers() const {
  return static_cast<std::uint32_t>(
      std::count_if(servers.begin(), servers.end(), [](const auto& s) { return s.in_service() && s.backup; }));
}

std::uint32_t BackendSnapshot::total_weight() const {
  std::uint32_t sum = 0;
  for (const auto& s : servers) sum += s.in_service() ? s.weight : 0;
  return sum;
}

const BackendSnapshot* StatsSnapshot::find_backend(std::string_view name) const {
  for (const auto& b : backends) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

const ServerSnapshot* StatsSnapshot::find_server(std::string_view backend, std::string_view server) const {
  const auto* b = find_backend(backend);
  if (b == nullptr) return nullptr;
  for (const auto& s : b->servers) {
    if (s.name == server) return &s;
  }
  return nullptr;
}

std::string format_age(common::Duration age) {
  const auto total = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(age).count());
  const auto days = total / 86400;
  const auto hours = total % 86400 / 3600;
  const auto minutes = total % 3600 / 60;
  const auto seconds = total % 60;
  if (days > 0) return fmt::format("{}d{:02}h", days, hours);
  if (hours > 0) return fmt::format("{}h{:02}m", hours, minutes);
  if (minutes > 0) return fmt::format("{}m{:02}s", minutes, seconds);
  return fmt::format("{}s", seconds);
}

}  // namespace proxyd::stats
