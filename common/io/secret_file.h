// Reading a file that holds a secret (an API token, VRRP keys). Like an ssh
// private key, it must be a regular file that neither group nor others can
// access; anything else is refused before the secret is used, so a
// leaked-permission file is noticed at once.
#pragma once

#include <cstddef>
#include <string>

#include "common/core/result.h"

namespace common::io {

// The content of <path>, named <what> in errors ("token file"): refused
// unless a regular file of mode 0600 or stricter and at most <max_size> bytes.
Result<std::string> read_secret_file(const std::string& path, const std::string& what, std::size_t max_size);

}  // namespace common::io
