#include "common/core/config/env_expand.h"

#include <catch2/catch.hpp>
#include <map>

using common::config::Diagnostics;
using common::config::expand_env;

namespace {

common::config::EnvLookup lookup_in(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace

TEST_CASE("expand_env: variables expand inside double quotes only", "[config][env]") {
  const auto env = lookup_in({{"ADDR", "10.0.0.1"}, {"PORT", "8080"}, {"EMPTY", ""}});
  CHECK(expand_env("\"${ADDR}:80\"", env) == "10.0.0.1:80");
  CHECK(expand_env("\"$ADDR:$PORT\"", env) == "10.0.0.1:8080");
  CHECK(expand_env("set-header X-Addr \"$ADDR\"", env) == "set-header X-Addr 10.0.0.1");  // one word
  CHECK(expand_env("set-header X \"$ADDR ok\"", env) == "set-header X \"10.0.0.1 ok\"");  // blanks: quoted
  CHECK(expand_env("web1 \"$ADDR\" \"x y\"", env) == "web1 10.0.0.1 \"x y\"");
  CHECK(expand_env("$ADDR ${ADDR}", env) == "$ADDR ${ADDR}");                // bare: literal
  CHECK(expand_env("'$ADDR' \"$ADDR\"", env) == "'$ADDR' 10.0.0.1");         // single quotes: literal
  CHECK(expand_env("\"a\\$ADDR\" x", env) == "\"a\\$ADDR\" x");              // escaped dollar
  CHECK(expand_env("path_reg ^/api$", env) == "path_reg ^/api$");            // regex anchors
  CHECK(expand_env("\"cost: $5 and $\" x", env) == "\"cost: $5 and $\" x");  // no name: literal
  CHECK(expand_env("\"${EMPTY-fallback}\"", env) == "");                     // set, even empty
}

TEST_CASE("expand_env: defaults and unset variables", "[config][env]") {
  const auto env = lookup_in({{"HOST", "db"}});
  std::vector<std::string> unset;
  CHECK(expand_env("\"${MISSING-5432}\"", env, &unset) == "5432");
  CHECK(unset.empty());
  CHECK(expand_env("\"${HOST-x}:${NOPE}\"", env, &unset) == "db:");
  CHECK(unset == std::vector<std::string>{"NOPE"});
}

TEST_CASE("expand_env: a whole double-quoted value loses its quotes", "[config][env]") {
  const auto env = lookup_in({});
  CHECK(expand_env("\"%ci %r\"", env) == "%ci %r");
  CHECK(expand_env("\"a\" \"b\"", env) == "\"a\" \"b\"");  // two words: kept for the splitter
  CHECK(expand_env("\"a\\\"b\"", env) == "\"a\\\"b\"");    // escapes: kept for the splitter
  CHECK(expand_env("plain", env) == "plain");
}

TEST_CASE("expand_env over a document warns at the line of an unset variable", "[config][env]") {
  Diagnostics diagnostics;
  auto doc =
      common::config::parse_ini("[global]\nmaxconn = 10\n[frontend f]\nbind = \"${BIND}:80\"\n", "p.ini", diagnostics);
  const auto expanded = expand_env(doc, lookup_in({}), diagnostics);
  CHECK(expanded.sections[1].entries[0].value == ":80");
  REQUIRE(diagnostics.all().size() == 1);
  CHECK_FALSE(diagnostics.has_errors());
  CHECK(diagnostics.all()[0].to_string() ==
        "p.ini:4: warning: key 'bind': environment variable 'BIND' is not set (expanded to nothing)");
}
