#include "proxyd/core/http/basic_auth.h"

#include <catch2/catch.hpp>

using namespace proxyd::http;

TEST_CASE("base64 decodes RFC 4648 test vectors, padded or not", "[proxyd][http]") {
  CHECK(base64_decode("") == "");
  CHECK(base64_decode("Zg==") == "f");
  CHECK(base64_decode("Zm8=") == "fo");
  CHECK(base64_decode("Zm9v") == "foo");
  CHECK(base64_decode("Zm9vYg==") == "foob");
  CHECK(base64_decode("Zm9vYmE=") == "fooba");
  CHECK(base64_decode("Zm9vYmFy") == "foobar");
  CHECK(base64_decode("Zm9vYg") == "foob");
  CHECK_FALSE(base64_decode("Zm9v!"));
  CHECK_FALSE(base64_decode("Z"));
  CHECK_FALSE(base64_decode("Zg="));  // padding that does not complete a quantum
}

TEST_CASE("Basic credentials: user before the first colon, password may hold colons (RFC 7617)", "[proxyd][http]") {
  // "Aladdin:open sesame"
  const auto c = parse_basic_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  REQUIRE(c);
  CHECK(c->user == "Aladdin");
  CHECK(c->password == "open sesame");
  const auto colons = parse_basic_authorization("basic YTpiOmM=");  // a:b:c
  REQUIRE(colons);
  CHECK(colons->user == "a");
  CHECK(colons->password == "b:c");
  CHECK_FALSE(parse_basic_authorization("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
  CHECK_FALSE(parse_basic_authorization("Basic bm9jb2xvbg=="));  // "nocolon"
  CHECK_FALSE(parse_basic_authorization("Basic"));
  CHECK_FALSE(parse_basic_authorization("Basic ###"));
}

TEST_CASE("constant_time_equals is plain equality", "[proxyd][http]") {
  CHECK(constant_time_equals("secret", "secret"));
  CHECK_FALSE(constant_time_equals("secret", "secreT"));
  CHECK_FALSE(constant_time_equals("secret", "secret2"));
  CHECK(constant_time_equals("", ""));
}
