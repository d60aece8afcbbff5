#include "common/core/text.h"

#include <catch2/catch.hpp>

using namespace common::text;

TEST_CASE("shell-style word splitting keeps quoted text and expands nothing") {
  auto words = split_shell_words(R"(/usr/bin/notify "two words" 'single $(id)' back\ slash $(rm -rf /) "a\"b" '')");
  REQUIRE(words);
  CHECK(*words == std::vector<std::string>{"/usr/bin/notify", "two words", "single $(id)", "back slash", "$(rm", "-rf",
                                           "/)", "a\"b", ""});
  CHECK(*split_shell_words("  a   b  ") == std::vector<std::string>{"a", "b"});
  CHECK(split_shell_words("")->empty());
  CHECK_FALSE(split_shell_words("'unterminated"));
  CHECK_FALSE(split_shell_words("\"unterminated"));
  CHECK_FALSE(split_shell_words("trailing\\"));
}

TEST_CASE("did-you-mean suggests close names only") {
  const std::vector<std::string_view> keys{"timeout_connect", "timeout_client", "retries", "maxconn"};
  CHECK(closest_match("timout_connect", keys) == "timeout_connect");
  CHECK(closest_match("retry", keys) == "retries");
  CHECK(closest_match("MAXCONN", keys) == "maxconn");
  CHECK_FALSE(closest_match("banana", keys));
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("trim, split_words and case helpers") {
  CHECK(trim("  a b \t") == "a b");
  CHECK(split_words(" a\tb  c ") == std::vector<std::string_view>{"a", "b", "c"});
  CHECK(iequals("MASTER", "master"));
  CHECK_FALSE(iequals("MASTER", "maste"));
  CHECK(starts_with_icase("Content-Length", "content-"));
}
