#include "proxyd/core/http/form.h"

#include <catch2/catch.hpp>

using namespace proxyd::http;

TEST_CASE("form fields decode %XX and '+', keep order, skip empty fields", "[proxyd][http]") {
  const auto fields = parse_form("b=app%20pool&s=web+1&&flag&action=drain");
  REQUIRE(fields);
  REQUIRE(fields->size() == 4);
  CHECK(form_value(*fields, "b") == "app pool");
  CHECK(form_value(*fields, "s") == "web 1");
  CHECK(form_value(*fields, "flag") == "");
  CHECK(form_value(*fields, "action") == "drain");
  CHECK_FALSE(form_value(*fields, "token"));
}

TEST_CASE("malformed escapes make the whole form invalid", "[proxyd][http]") {
  CHECK_FALSE(parse_form("a=%4"));
  CHECK_FALSE(parse_form("a=%zz"));
  CHECK_FALSE(parse_form("a=%"));
  CHECK(percent_decode("%41%62c") == "Abc");
}

TEST_CASE("percent_encode keeps unreserved characters only, round-trips", "[proxyd][http]") {
  CHECK(percent_encode("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(percent_encode("a b/c&d") == "a%20b%2Fc%26d");
  const std::string all = "x y&z=%+\xff";
  CHECK(percent_decode(percent_encode(all)) == all);
}
