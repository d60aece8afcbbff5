// The client side of the admin socket, for `proxyd ctl`: send one command
// line, read the answer until the daemon closes.
#pragma once

#include <chrono>
#include <string>

#include "common/core/result.h"

namespace proxyd::io {

// Sends <command> (a newline is added) to the Unix socket at <path> and
// returns everything answered, within <timeout> overall.
common::Result<std::string> admin_request(const std::string& path, const std::string& command,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace proxyd::io
