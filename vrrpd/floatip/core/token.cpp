#include "vrrpd/floatip/core/token.h"

#include "common/core/text.h"

namespace vrrpd::floatip {

common::Result<std::string> parse_token(std::string_view file_content) {
  // trim() drops spaces, tabs, CR and LF: editors' trailing newlines.
  const std::string_view token = common::text::trim(file_content);
  if (token.empty()) return common::fail("the token file is empty");
  if (token.size() > kMaxTokenLength) return common::fail("the token is longer than {} characters", kMaxTokenLength);
  for (const char c : token) {
    if (c <= ' ' || c > '~') return common::fail("the token must be one line of visible ASCII characters");
  }
  return std::string(token);
}

}  // namespace vrrpd::floatip
