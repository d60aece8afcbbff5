// Reading the API token file. Like an ssh private key, it must be a regular
// file that neither group nor others can access; anything else is refused
// before the token is used, so a leaked-permission file is noticed at once.
#pragma once

#include <string>

#include "common/core/result.h"

namespace vrrpd::floatip::io {

// The token in <path>: refused unless a regular file of mode 0600 or
// stricter (no group/other bits), at most 4 KiB, holding one token.
common::Result<std::string> read_token_file(const std::string& path);

}  // namespace vrrpd::floatip::io
