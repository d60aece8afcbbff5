#include "vrrpd/floatip/io/token_file.h"

#include "common/io/secret_file.h"
#include "vrrpd/floatip/core/token.h"

namespace vrrpd::floatip::io {

common::Result<std::string> read_token_file(const std::string& path) {
  auto content = common::io::read_secret_file(path, "token file", 4096);
  if (!content) return content;
  auto token = parse_token(*content);
  if (!token) return common::fail("token file {}: {}", path, token.error().message);
  return token;
}

}  // namespace vrrpd::floatip::io
