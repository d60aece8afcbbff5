// The API token as read from its file, checked before it goes anywhere near
// an HTTP header. Error messages never quote the token.
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

namespace vrrpd::floatip {

// Longer than any DigitalOcean token (dop_v1_ + 64 hex digits), short enough
// to reject a wrong file early.
inline constexpr std::size_t kMaxTokenLength = 512;

// The token in <file_content>: surrounding blanks and the trailing newline
// dropped; one word of visible ASCII (anything else could inject headers).
common::Result<std::string> parse_token(std::string_view file_content);

}  // namespace vrrpd::floatip
