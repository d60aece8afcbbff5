// proxyd's wiring: command line, configuration, logger, signals, event loop.
#pragma once

#include <span>
#include <string_view>

namespace proxyd {

inline constexpr std::string_view kDefaultConfig = "/etc/proxyd/proxyd.ini";
// Where `proxyd ctl` looks when the configuration names no admin_socket.
inline constexpr std::string_view kDefaultAdminSocket = "/run/proxyd.sock";

// The whole program; returns the exit status.
int run(std::span<const std::string_view> args);

}  // namespace proxyd
