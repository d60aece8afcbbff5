// haproxy.cfg's lexical rules and preprocessor (HAProxy's manual 2.2-2.4).
#include "proxyd/core/haproxy_cfg/lexer.h"

#include <catch2/catch.hpp>
#include <map>

#include "proxyd/core/haproxy_cfg/condition.h"

using namespace proxyd::haproxy_cfg;
using common::config::Diagnostics;

namespace {

const std::map<std::string, std::string, std::less<>> kEnv{{"ADDR", "10.0.0.1"}, {"LIST", "a b  c"}, {"YES", "1"}};

common::config::EnvLookup env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const auto it = kEnv.find(name);
    if (it == kEnv.end()) return std::nullopt;
    return it->second;
  };
}

std::vector<CfgLine> lex_text(const std::string& text, Diagnostics& d) {
  return lex(text, env(), d, [](int line) { return common::config::Location{"h.cfg", line}; });
}

std::vector<std::string> words(const CfgLine& l) {
  std::vector<std::string> out;
  for (const auto& w : l.words) out.push_back(w.text);
  return out;
}

}  // namespace

TEST_CASE("haproxy.cfg words: quotes, escapes, comments, as the manual's matrix") {
  Diagnostics d;
  const auto lines = lex_text(
      "  log-format %{+Q}o\\ %t\\ %s   # a comment\n"
      "log-format \"%{+Q}o %t\"' %s'\\ x\n"
      "acl a hdr(x) -m reg '^a\\.b$' \"\\x41\\t\" \\# \\\\ \\'\n"
      "\n# whole comment\n",
      d);
  REQUIRE(!d.has_errors());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].line == 1);
  CHECK(words(lines[0]) == std::vector<std::string>{"log-format", "%{+Q}o %t %s"});
  CHECK(words(lines[1]) == std::vector<std::string>{"log-format", "%{+Q}o %t %s x"});
  CHECK(words(lines[2]) ==
        std::vector<std::string>{"acl", "a", "hdr(x)", "-m", "reg", "^a\\.b$", "A\t", "#", "\\", "'"});
  CHECK(lines[2].words[5].quoted);
  CHECK(!lines[2].words[2].quoted);
}

TEST_CASE("variables expand only within double quotes, unset ones warn, a list variable splits") {
  Diagnostics d;
  const auto lines = lex_text(
      "bind \"${ADDR}:80\" $ADDR '${ADDR}' \"${NOPE-127.0.0.1}:81\" \"\\$ADDR\"\n"
      "server s \"${UNSET}x\"\n"
      "x \"${LIST[*]}\" \"$.LINE\"\n",
      d);
  REQUIRE(lines.size() == 3);
  CHECK(words(lines[0]) ==
        std::vector<std::string>{"bind", "10.0.0.1:80", "$ADDR", "${ADDR}", "127.0.0.1:81", "$ADDR"});
  CHECK(words(lines[1]) == std::vector<std::string>{"server", "s", "x"});
  CHECK(words(lines[2]) == std::vector<std::string>{"x", "a", "b", "c", "3"});
  REQUIRE(d.all().size() == 1);
  CHECK(d.all()[0].to_string() == "h.cfg:2: warning: environment variable 'UNSET' is not set (expanded to nothing)");
}

TEST_CASE(".if/.elif/.else/.endif keep one branch, .notice/.warning/.alert report, errors at their lines") {
  Diagnostics d;
  const auto lines = lex_text(
      ".if defined(ADDR) && !defined(NOPE)\n"
      "  kept1\n"
      "  .if streq(\"$YES\",0)\n    dropped \"$UNSET\"\n  .elif version_atleast(2.4)\n    kept2\n"
      "  .else\n    dropped\n  .endif\n"
      ".elif 1\n  dropped\n.else\n  dropped\n.endif\n"
      ".if feature(LUA) || 0\n  dropped\n.endif\n"
      ".notice \"hello\"\n.warning \"careful\"\n.alert \"stop\"\n"
      ".if bogus(1)\n.endif\n.else\n.if 1\n",
      d);
  std::vector<std::string> first;
  for (const auto& l : lines) first.push_back(l.words[0].text);
  CHECK(first == std::vector<std::string>{"kept1", "kept2"});
  const auto text = d.to_string();
  INFO(text);
  CHECK(text.find("h.cfg:18: notice: hello") != std::string::npos);
  CHECK(text.find("h.cfg:19: warning: careful") != std::string::npos);
  CHECK(text.find("h.cfg:20: error: stop") != std::string::npos);
  CHECK(text.find("h.cfg:21: error: condition: unknown predicate 'bogus'") != std::string::npos);
  CHECK(text.find("h.cfg:23: error: '.else' without '.if'") != std::string::npos);
  CHECK(text.find("h.cfg:24: error: '.if' without '.endif'") != std::string::npos);
  CHECK(text.find("UNSET") == std::string::npos);  // skipped lines are not expanded
}

TEST_CASE("an unterminated quote is an error at its line, the next lines are still read") {
  Diagnostics d;
  const auto lines = lex_text("bind \"oops\nmode http\n", d);
  CHECK(d.to_string() == "h.cfg:1: error: unterminated double quote\n");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].line == 2);
}

TEST_CASE("conditions: precedence, parentheses, integers, versions") {
  const auto none = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
  CHECK(evaluate_condition("", none) == false);
  CHECK(evaluate_condition("0", none) == false);
  CHECK(evaluate_condition("7", none) == true);
  CHECK(evaluate_condition("1 || 0 && 0", none) == true);  // && binds tighter
  CHECK(evaluate_condition("(1 || 0) && 0", none) == false);
  CHECK(evaluate_condition("!(0) && feature(OPENSSL)", none) == true);
  CHECK(evaluate_condition("version_before(2.6)", none) == false);
  CHECK(evaluate_condition("version_atleast(2.6-dev1)", none) == true);
  CHECK(evaluate_condition("strneq(a,b)", none) == true);
  CHECK(!evaluate_condition("streq(a)", none));
  CHECK(!evaluate_condition("abc", none));
  CHECK(compare_versions("2.4-dev19", "2.4") < 0);
  CHECK(compare_versions("2.6.12", "2.6") > 0);
}

TEST_CASE("words go back to proxyd's rule splitter quoted only where needed") {
  CHECK(quote_word({"plain", false}) == "plain");
  CHECK(quote_word({"a b", true}) == "'a b'");
  CHECK(quote_word({"||", true}) == "'||'");
  CHECK(quote_word({"it's $x", true}) == "\"it's \\$x\"");
  CHECK(quote_word({"", true}) == "''");
}
