#include "common/core/config/ini_document.h"

#include <catch2/catch.hpp>
#include <string>

using namespace common::config;

namespace {

std::string all_errors(const Diagnostics& d) {
  return d.to_string();
}

}  // namespace

TEST_CASE("sections, named sections, repeated keys and line numbers") {
  Diagnostics d;
  const auto doc = parse_ini(
      "; comment\n"
      "[global]\n"
      "maxconn = 100   ; inline comment\n"
      "\n"
      "# another comment\n"
      "[backend app_pool]\n"
      "server = web1 10.0.0.21:80\n"
      "    server = web2 10.0.0.22:80\n"
      "[listen empty]\n",
      "t.ini", d);
  INFO(all_errors(d));
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(doc.sections.size() == 3);
  CHECK(doc.sections[0].kind == "global");
  CHECK(doc.sections[0].name.empty());
  CHECK(doc.sections[0].entries[0].key == "maxconn");
  CHECK(doc.sections[0].entries[0].value == "100");
  CHECK(doc.sections[0].entries[0].line == 3);
  CHECK(doc.sections[1].kind == "backend");
  CHECK(doc.sections[1].name == "app_pool");
  CHECK(doc.sections[1].line == 6);
  REQUIRE(doc.sections[1].entries.size() == 2);
  // An indented line is a key of its own, never a continuation.
  CHECK(doc.sections[1].entries[1].key == "server");
  CHECK(doc.sections[1].entries[1].value == "web2 10.0.0.22:80");
  CHECK(doc.sections[1].entries[1].line == 8);
  CHECK(doc.sections[2].title() == "[listen empty]");
  CHECK(doc.sections[2].entries.empty());
}

TEST_CASE("every syntax error is reported with its line, parsing goes on") {
  Diagnostics d;
  const auto doc = parse_ini(
      "orphan = 1\n"
      "[global]\n"
      "no equals sign here\n"
      "[broken\n"
      "[too many words]\n"
      "key = value\n"
      "[ok]\n"
      "good = 1\n" +
          std::string("long = ") + std::string(300, 'x') + "\n",
      "t.ini", d);
  const auto text = all_errors(d);
  INFO(text);
  CHECK(text.find("t.ini:1: error: key 'orphan' outside any section") != std::string::npos);
  CHECK(text.find("t.ini:3: error: expected 'key = value'") != std::string::npos);
  CHECK(text.find("t.ini:4: error: section header without closing ']'") != std::string::npos);
  CHECK(text.find("t.ini:5: error: malformed section header") != std::string::npos);
  CHECK(text.find("t.ini:9: error: line too long") != std::string::npos);
  CHECK(d.error_count() == 5);
  // The valid section after the errors is still parsed.
  REQUIRE_FALSE(doc.sections.empty());
  CHECK(doc.sections.back().kind == "ok");
  REQUIRE(doc.sections.back().entries.size() == 1);
  CHECK(doc.sections.back().entries[0].key == "good");
}

TEST_CASE("CRLF line endings and a UTF-8 BOM are accepted") {
  Diagnostics d;
  const auto doc = parse_ini("\xEF\xBB\xBF[global]\r\nkey = v\r\n", "t.ini", d);
  INFO(all_errors(d));
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(doc.sections.size() == 1);
  CHECK(doc.sections[0].entries[0].value == "v");
}
