// keepalived.conf's lexical rules: comments, quotes and escapes, braces as
// words of their own, @ID lines, $PARAMETERS, includes with each line
// reported at its own file:line.
#include "vrrpd/core/keepalived_conf/lexer.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "vrrpd/core/keepalived_conf/block_tree.h"

using namespace vrrpd::keepalived_conf;
using common::config::Diagnostics;
using common::config::IniDocument;

namespace {

std::vector<std::vector<std::string>> words_of(const std::string& text, Diagnostics& d, LexOptions options = {},
                                               IniDocument* out_doc = nullptr) {
  IniDocument doc;
  std::vector<std::vector<std::string>> out;
  for (const auto& line : lex({"k.conf", text}, options, doc, d)) {
    out.emplace_back();
    for (const auto& w : line.words) out.back().push_back(w.text);
  }
  if (out_doc != nullptr) *out_doc = doc;
  return out;
}

using Lines = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("keepalived.conf words: comments, quotes, escapes and braces") {
  Diagnostics d;
  const auto lines = words_of(
      "global_defs {   # comment\n"
      "  router_id lb1 ! other comment\n"
      "}\n"
      "vrrp_script chk {\n"
      "  script \"killall -0 haproxy\"   # quoted: one word\n"
      "  script 'a \"b\"' x\"y z\"w\n"
      "  auth_pass \"ab#c\"\n"
      "  notify \"/x.sh\\targ\"\n"
      "}\n"
      "unicast_peer {10.0.0.2}\n",
      d);
  CHECK_FALSE(d.has_errors());
  CHECK(lines == Lines{{"global_defs", "{"},
                       {"router_id", "lb1"},
                       {"}"},
                       {"vrrp_script", "chk", "{"},
                       {"script", "killall -0 haproxy"},
                       {"script", "a \"b\"", "xy zw"},
                       {"auth_pass", "ab#c"},
                       {"notify", "/x.sh\targ"},
                       {"}"},
                       {"unicast_peer", "{", "10.0.0.2", "}"}});
}

TEST_CASE("keepalived.conf @ID lines are kept on the node they name") {
  Diagnostics d;
  const std::string text = "@lb1 priority 200\n@lb2 priority 100\n@^lb1 state BACKUP\n";
  CHECK(words_of(text, d, {"lb1", {}}) == Lines{{"priority", "200"}});
  CHECK(words_of(text, d, {"lb2", {}}) == Lines{{"priority", "100"}, {"state", "BACKUP"}});
}

TEST_CASE("keepalived.conf parameters: $NAME and ${NAME}, multi-line, predefined, undefined kept") {
  Diagnostics d;
  const auto lines = words_of(
      "$IF=eth1\n"
      "$VIP=10.0.0.10/24 dev ${IF}\n"
      "$BLOCK=virtual_ipaddress { \\\n"
      "  $VIP \\\n"
      "}\n"
      "interface $IF\n"
      "$BLOCK\n"
      "script \"check $1 ${UNDEFINED}\"\n"
      "router_id ${_INSTANCE}${_HASH}x\n",
      d, {"node7", {}});
  CHECK_FALSE(d.has_errors());
  CHECK(lines == Lines{{"interface", "eth1"},
                       {"virtual_ipaddress", "{"},
                       {"10.0.0.10/24", "dev", "eth1"},
                       {"}"},
                       {"script", "check $1 ${UNDEFINED}"},
                       {"router_id", "node7#x"}});
}

TEST_CASE("keepalived.conf errors: unterminated quote, ~SEQ, a parameter naming itself") {
  Diagnostics d;
  words_of("script \"abc\n~SEQ(i, 1, 3) x $i\n$A=$A\nrouter_id $A\n", d);
  CHECK(d.error_count() == 3);
  CHECK(d.to_string().find("k.conf:1: error: unterminated quoted string") != std::string::npos);
  CHECK(d.to_string().find("k.conf:2: error: ~SEQ") != std::string::npos);
  CHECK(d.to_string().find("k.conf:4: error: parameters nested deeper") != std::string::npos);
}

TEST_CASE("keepalived.conf include: the included lines keep their file:line, the includer goes on after") {
  Diagnostics d;
  IniDocument doc;
  LexOptions options{"lb1", [](std::string_view pattern, std::string_view directory, std::string_view) {
                       IncludeResult r;
                       if (pattern == "conf.d/*.conf" && directory == "/etc/keepalived") {
                         r.files.push_back({"/etc/keepalived/conf.d/a.conf", "router_id a\n\nstate MASTER\n"});
                       } else {
                         r.errors.push_back("no such file");
                       }
                       return r;
                     }};
  const auto lines =
      lex({"/etc/keepalived/keepalived.conf", "x 1\ninclude conf.d/*.conf\ny 2\ninclude nothing\n"}, options, doc, d);
  REQUIRE(lines.size() == 4);
  const auto at = [&](std::size_t i) {
    const auto l = doc.at(lines[i].line);
    return l.file + ":" + std::to_string(l.line);
  };
  CHECK(at(0) == "/etc/keepalived/keepalived.conf:1");
  CHECK(at(1) == "/etc/keepalived/conf.d/a.conf:1");
  CHECK(at(2) == "/etc/keepalived/conf.d/a.conf:3");
  CHECK(at(3) == "/etc/keepalived/keepalived.conf:3");
  CHECK(d.to_string() == "/etc/keepalived/keepalived.conf:4: error: no such file\n");
}

TEST_CASE("keepalived.conf blocks: braces on the next line, items beside braces, unbalanced braces") {
  Diagnostics d;
  IniDocument doc;
  const auto lines =
      lex({"k.conf", "vrrp_instance VI_1\n{\n  unicast_peer { 10.0.0.2\n 10.0.0.3 }\n  state MASTER\n}\n}\nx {\n"}, {},
          doc, d);
  const auto tree = build_tree(lines, doc, d);
  REQUIRE(tree.size() == 2);
  CHECK(tree[0].keyword() == "vrrp_instance");
  CHECK(tree[0].block);
  REQUIRE(tree[0].items.size() == 2);
  CHECK(tree[0].items[0].items.size() == 2);
  CHECK(tree[0].items[0].items[1].keyword() == "10.0.0.3");
  CHECK(tree[0].items[1].args_from(0) == "MASTER");
  CHECK(d.to_string() ==
        "k.conf:7: error: '}' closes no block\n"
        "k.conf:8: error: block 'x' is not closed: '}' missing\n");
}

TEST_CASE("keepalived.conf parameters that repeat each other are bounded, not exponential") {
  Diagnostics d;
  std::string text;
  for (char p = 'A'; p < 'P'; ++p) {
    text += fmt::format("${}=", p);
    for (int i = 0; i < 8; ++i) text += fmt::format("${{{}}} ", static_cast<char>(p + 1));
    text += "\n";
  }
  text += "$P=xxxxxxxx\nrouter_id $A\n";
  const auto start = std::chrono::steady_clock::now();
  words_of(text, d);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(d.to_string() == "k.conf:17: error: parameters expand to more than 64 KiB on this line\n");
}
