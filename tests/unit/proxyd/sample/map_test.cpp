#include <catch2/catch.hpp>

#include "proxyd/core/http/message_head.h"
#include "proxyd/core/sample/acl.h"
#include "proxyd/core/sample/expression.h"
#include "proxyd/core/sample/pattern_file.h"

using proxyd::sample::Context;
using proxyd::sample::Library;
using proxyd::sample::Match;
using proxyd::sample::PatternRef;
using proxyd::sample::Sample;

namespace {

struct Request {
  std::string bytes;
  proxyd::http::HeadParser parser{proxyd::http::MessageKind::Request, {}};
  Context ctx;

  explicit Request(std::string head, std::string src = "192.0.2.7:40000") : bytes(std::move(head)) {
    REQUIRE(parser.parse(bytes).status == proxyd::http::HeadResult::Status::Done);
    ctx.request = &parser.head();
    ctx.src = *common::net::Endpoint::parse(src);
    ctx.dst = *common::net::Endpoint::parse("10.0.0.10:80");
  }
};

Request get(std::string host, std::string path = "/", std::string src = "192.0.2.7:40000") {
  return Request("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n", std::move(src));
}

// Loads <text> into the file <path> that <lib> registered.
void load(Library& lib, const std::string& path, std::string_view text) {
  auto* ref = lib.files.find(path);
  REQUIRE(ref != nullptr);
  const auto ok = ref->load(text);
  INFO((ok ? std::string() : ok.error().describe()));
  REQUIRE(ok);
}

std::string eval(const std::string& expr_text, Library& lib, const Context& ctx) {
  auto expr = proxyd::sample::parse_expression(expr_text, &lib);
  INFO(expr_text << ": " << (expr ? std::string() : expr.error().describe()));
  REQUIRE(expr);
  const auto s = proxyd::sample::evaluate_first(*expr, ctx);
  return s ? s->as_text() : "<none>";
}

}  // namespace

TEST_CASE("pattern and map files: comments, blanks, keys and values", "[proxyd][sample][map]") {
  const auto map = proxyd::sample::parse_pattern_text(
      "# hosts\n\n  www.example.org   be_www\r\napi.example.org be api \n\tlonely\n  # not a comment\n",
      PatternRef::Kind::Map);
  REQUIRE(map.size() == 4);
  CHECK(map[0].key == "www.example.org");
  CHECK(map[0].value == "be_www");
  CHECK(map[0].line == 3);
  CHECK(map[1].value == "be api ");  // HAProxy keeps trailing blanks
  CHECK(map[3].key == "#");
  CHECK(map[2].key == "lonely");
  CHECK(map[2].value.empty());
  const auto acl = proxyd::sample::parse_pattern_text("10.0.0.0/8\n# no\n  a b c\n", PatternRef::Kind::Acl);
  REQUIRE(acl.size() == 2);
  CHECK(acl[1].key == "a b c");
  CHECK(acl[1].line == 3);
}

TEST_CASE("map converters: every match method, output types and defaults", "[proxyd][sample][map]") {
  Library lib;
  const auto r = get("WWW.example.org:8080", "/api/v1/users?x=1");
  // Registered on first use, loaded by the adapter.
  auto expr = proxyd::sample::parse_expression("req.hdr(host),lower,field(1,:),map(/m/hosts.map,none)", &lib);
  REQUIRE(expr);
  CHECK(proxyd::sample::evaluate_first(*expr, r.ctx)->as_text() == "none");  // not loaded yet: the default
  load(lib, "/m/hosts.map", "www.example.org be_www\napi.example.org be_api\n");
  CHECK(proxyd::sample::evaluate_first(*expr, r.ctx)->as_text() == "be_www");

  CHECK(eval("path,map_beg(/m/paths.map)", lib, r.ctx) == "<none>");
  load(lib, "/m/paths.map", "/static s\n/api/v2 v2\n/api api\n/ root\n");
  CHECK(eval("path,map_beg(/m/paths.map)", lib, r.ctx) == "api");  // the first in file order
  CHECK(eval("path,map_sub(/m/subs.map,no)", lib, r.ctx) == "no");
  load(lib, "/m/subs.map", "users u\n");
  CHECK(eval("path,map_sub(/m/subs.map,no)", lib, r.ctx) == "u");
  CHECK(eval("path,map_end(/m/ends.map,no)", lib, r.ctx) == "no");
  load(lib, "/m/ends.map", "/users e\n");
  CHECK(eval("path,map_end(/m/ends.map,no)", lib, r.ctx) == "e");
  CHECK(eval("path,map_dir(/m/dirs.map,no)", lib, r.ctx) == "no");
  load(lib, "/m/dirs.map", "v1 dir\n");
  CHECK(eval("path,map_dir(/m/dirs.map,no)", lib, r.ctx) == "dir");
  CHECK(eval("req.hdr(host),field(1,:),map_dom(/m/doms.map,no)", lib, r.ctx) == "no");
  load(lib, "/m/doms.map", "example dom\n");
  CHECK(eval("req.hdr(host),field(1,:),map_dom(/m/doms.map,no)", lib, r.ctx) == "dom");
  CHECK(eval("path,map_reg(/m/regs.map,no)", lib, r.ctx) == "no");
  load(lib, "/m/regs.map", "^/api/v[0-9]+/ versioned\n");
  CHECK(eval("path,map_reg(/m/regs.map,no)", lib, r.ctx) == "versioned");

  // Integer keys (ranges) and integer output.
  CHECK(eval("dst_port,map_int_int(/m/ports.map,0)", lib, r.ctx) == "0");
  load(lib, "/m/ports.map", "443 1\n1:1024 2\n");
  CHECK(eval("dst_port,map_int_int(/m/ports.map,0)", lib, r.ctx) == "2");
  // Addresses: the longest prefix wins, whatever the order.
  CHECK(eval("src,map_ip(/m/nets.map,world)", lib, r.ctx) == "world");
  load(lib, "/m/nets.map", "192.0.2.0/24 doc\n0.0.0.0/0 any\n192.0.2.7 host\n2001:db8::/32 v6\n");
  CHECK(eval("src,map_ip(/m/nets.map,world)", lib, r.ctx) == "host");
  CHECK(eval("src,map_ip(/m/nets.map,world)", lib, get("x", "/", "192.0.2.8:1").ctx) == "doc");
  CHECK(eval("src,map_ip(/m/nets.map,world)", lib, get("x", "/", "198.51.100.1:1").ctx) == "any");
  CHECK(eval("src,map_ip(/m/nets.map,world)", lib, get("x", "/", "[2001:db8::1]:1").ctx) == "v6");
  CHECK(eval("src,map_ip(/m/nets.map,world)", lib, get("x", "/", "[2001:db9::1]:1").ctx) == "world");
  // str -> ip
  load(lib, "/m/hosts.map", "www.example.org be_www\n");  // reload: replaces the entries
  CHECK(eval("req.hdr(host),field(1,:),map_str_ip(/m/addr.map)", lib, r.ctx) == "<none>");
  load(lib, "/m/addr.map", "WWW.example.org 10.1.2.3\n");
  CHECK(eval("req.hdr(host),field(1,:),map_str_ip(/m/addr.map)", lib, r.ctx) == "10.1.2.3");
}

TEST_CASE("map converters refuse bad arguments at load", "[proxyd][sample][map]") {
  Library lib;
  CHECK_FALSE(proxyd::sample::parse_expression("path,map(/m/a.map)"));  // no library: maps unavailable
  CHECK_FALSE(proxyd::sample::parse_expression("path,map_int_int(/m/a.map,x)", &lib));
  CHECK_FALSE(proxyd::sample::parse_expression("path,map_str_ip(/m/a.map,nope)", &lib));
  CHECK_FALSE(proxyd::sample::parse_expression("path,map_nope(/m/a.map)", &lib));
  CHECK_FALSE(proxyd::sample::parse_expression("path,map()", &lib));
  CHECK_FALSE(proxyd::sample::parse_expression("path,map(/m/a.map,b,c)", &lib));
  const auto typo = proxyd::sample::parse_expression("path,map_bge(/m/a.map)", &lib);
  REQUIRE_FALSE(typo);
  CHECK(typo.error().message.find("did you mean 'map_beg'") != std::string::npos);
  // A file is a map or a pattern list, not both.
  REQUIRE(proxyd::sample::parse_expression("path,map(/m/both)", &lib));
  CHECK_FALSE(proxyd::sample::parse_criterion(*proxyd::sample::split("src -f /m/both"), &lib));
}

TEST_CASE("map values that a rule cannot use are file:line errors", "[proxyd][sample][map]") {
  Library lib;
  REQUIRE(proxyd::sample::parse_expression("path,map_str_int(/m/n.map)", &lib));
  auto* ref = lib.files.find("/m/n.map");
  const auto bad = ref->load("a 1\nb two\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().describe() == "/m/n.map:2: value 'two' of 'b' is not an integer");
  REQUIRE(proxyd::sample::parse_criterion(*proxyd::sample::split("src -f /m/nets.lst"), &lib));
  const auto net = lib.files.find("/m/nets.lst")->load("10.0.0.0/8\n\n10.0.0.1/8\n");
  REQUIRE_FALSE(net);
  CHECK(net.error().describe().starts_with("/m/nets.lst:3: '10.0.0.1/8' is not an address or a network"));
}

TEST_CASE("acl -f: patterns from files, with inline ones and -i", "[proxyd][sample][map]") {
  Library lib;
  proxyd::sample::AclTable table;
  REQUIRE(proxyd::sample::add_acl(table, "blocked src -f /m/block.lst -f /m/block6.lst 203.0.113.9", &lib));
  REQUIRE(proxyd::sample::add_acl(table, "admin path_beg -i -f /m/admin.lst", &lib));
  load(lib, "/m/block.lst", "192.0.2.0/25\n# comment\n  198.51.100.7\n");
  load(lib, "/m/block6.lst", "2001:db8::/48\n");
  load(lib, "/m/admin.lst", "/Admin\n/internal\n");
  auto holds = [&](const std::string& acl, const Request& r) { return evaluate(*table.at(acl), r.ctx); };
  CHECK(holds("blocked", get("x", "/", "192.0.2.7:1")));
  CHECK_FALSE(holds("blocked", get("x", "/", "192.0.2.200:1")));
  CHECK(holds("blocked", get("x", "/", "198.51.100.7:1")));
  CHECK(holds("blocked", get("x", "/", "203.0.113.9:1")));  // inline
  CHECK(holds("blocked", get("x", "/", "[2001:db8::5]:1")));
  CHECK(holds("admin", get("x", "/ADMIN/users")));
  CHECK_FALSE(holds("admin", get("x", "/public")));
  CHECK_FALSE(proxyd::sample::parse_criterion(*proxyd::sample::split("src -f"), &lib));
  CHECK_FALSE(proxyd::sample::parse_criterion(*proxyd::sample::split("src -f /m/x.lst")));  // no library
}

TEST_CASE("pattern files edited live: all or nothing, entries by key or #ID", "[proxyd][sample][map]") {
  Library lib;
  auto expr = proxyd::sample::parse_expression("req.hdr(host),map_str_int(/m/w.map,-1)", &lib);
  REQUIRE(expr);
  REQUIRE(proxyd::sample::parse_expression("req.hdr(host),map_beg(/m/w.map)", &lib));  // a second use
  auto& ref = *lib.files.find("#0");
  REQUIRE(ref.load("a 1\nb 2\n"));
  const auto r = get("c");
  auto value = [&] { return proxyd::sample::evaluate_first(*expr, r.ctx)->as_text(); };
  CHECK(value() == "-1");
  REQUIRE(ref.add("c", "3"));
  CHECK(value() == "3");
  CHECK_FALSE(ref.add("c", "three"));  // the int rule cannot take it: nothing changes
  CHECK(ref.entries().size() == 3);
  REQUIRE(ref.set("c", "30"));
  CHECK(value() == "30");
  REQUIRE(ref.add("c", "31"));
  CHECK(value() == "30");  // the first of equal keys
  const auto second_c = ref.entries().back().id;
  REQUIRE(ref.del(fmt::format("#{:#x}", ref.entries()[2].id)));
  CHECK(value() == "31");
  CHECK(ref.entries().back().id == second_c);  // IDs survive edits
  CHECK_FALSE(ref.del("zzz"));
  CHECK_FALSE(ref.set("#0x999", "1"));
  CHECK(ref.serialize() == "a 1\nb 2\nc 31\n");
  ref.clear();
  CHECK(value() == "-1");
  CHECK(ref.serialize().empty());
}
