// The floatip command line, parsed and validated without touching the
// system (the token file is read later, by io/token_file):
//   floatip assign|status --ip IPV4 [--token-file F] [--api URL]
//                         [--metadata URL] [--budget DURATION] [-v] [-h]
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/core/result.h"
#include "common/core/time.h"

namespace vrrpd::floatip {

inline constexpr std::string_view kDefaultTokenFile = "/etc/vrrpd/do-token";
inline constexpr std::string_view kDefaultApi = "https://api.digitalocean.com";
inline constexpr std::string_view kDefaultMetadata = "http://169.254.169.254";
inline constexpr common::Duration kDefaultBudget{60'000};
inline constexpr common::Duration kMinBudget{1'000};
inline constexpr common::Duration kMaxBudget{3'600'000};

enum class Command { Assign, Status };

struct Options {
  Command command = Command::Assign;
  std::string ip;  // canonical dotted quad
  std::string token_file{kDefaultTokenFile};
  std::string api{kDefaultApi};            // no trailing '/'
  std::string metadata{kDefaultMetadata};  // no trailing '/'
  common::Duration budget = kDefaultBudget;
  bool verbose = false;
  bool help = false;  // -h: print usage and exit 0; nothing else is checked
};

// Parses argv[1..]. Options may come before or after the command, as
// `--name VALUE` or `--name=VALUE`.
common::Result<Options> parse_command_line(std::span<const std::string_view> args);
// The -h text.
std::string usage_text();
// Whether <base_url> would carry the token unencrypted off this host
// (http:// to anything but loopback).
bool is_cleartext_remote(std::string_view base_url);

}  // namespace vrrpd::floatip
