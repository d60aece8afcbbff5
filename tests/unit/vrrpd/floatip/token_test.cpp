// The token file's content: one word of visible ASCII.
#include "vrrpd/floatip/core/token.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace vrrpd::floatip;

TEST_CASE("the token is the file's one word, without the trailing newline", "[floatip]") {
  CHECK(parse_token("dop_v1_abc123\n") == "dop_v1_abc123");
  CHECK(parse_token("  dop_v1_abc123\r\n\n") == "dop_v1_abc123");
}

TEST_CASE("tokens that could not go into a header are refused without being quoted", "[floatip]") {
  for (const std::string& bad : std::vector<std::string>{"", "\n", "dop v1", "dop_v1\r\nX-Injected: 1", "dop\tv1",
                                                         "tok\x7f", std::string(kMaxTokenLength + 1, 'a')}) {
    const auto r = parse_token(bad);
    REQUIRE_FALSE(r);
    if (!bad.empty() && bad != "\n") CHECK(r.error().message.find(bad) == std::string::npos);
  }
}
