#include "proxyd/core/sample/acl.h"

#include <catch2/catch.hpp>

#include "proxyd/core/http/message_head.h"

using proxyd::sample::AclTable;
using proxyd::sample::Context;

namespace {

// A parsed request head and the context built on it.
struct Request {
  std::string bytes;
  proxyd::http::HeadParser parser{proxyd::http::MessageKind::Request, {}};
  Context ctx;

  explicit Request(std::string head, std::string src = "192.0.2.7:40000", std::string dst = "10.0.0.10:443")
      : bytes(std::move(head)) {
    const auto r = parser.parse(bytes);
    REQUIRE(r.status == proxyd::http::HeadResult::Status::Done);
    ctx.request = &parser.head();
    ctx.src = *common::net::Endpoint::parse(src);
    ctx.dst = *common::net::Endpoint::parse(dst);
    ctx.frontend = "www";
  }
};

// Whether `if CONDITION` holds for <req>, with the ACL lines of <acls>.
bool holds(const std::vector<std::string>& acls, const std::string& condition, const Request& req) {
  AclTable table;
  for (const auto& a : acls) {
    const auto added = proxyd::sample::add_acl(table, a);
    INFO(a);
    REQUIRE(added);
  }
  auto words = proxyd::sample::split(condition);
  REQUIRE(words);
  auto c = proxyd::sample::parse_condition(*words);
  INFO(condition);
  REQUIRE(c);
  REQUIRE(proxyd::sample::resolve(*c, table));
  return proxyd::sample::evaluate(*c, req.ctx);
}

std::string error_of(const std::string& acl) {
  AclTable table;
  const auto r = proxyd::sample::add_acl(table, acl);
  return r ? std::string() : r.error().describe();
}

const char* kGet =
    "GET /api/v2/users.json?id=42&lang=fr HTTP/1.1\r\nHost: Shop.Example.ORG:8080\r\n"
    "Cookie: a=1; SESSION=xyz\r\nX-List: one, two\r\nX-List: three\r\nUser-Agent: curl/8\r\n\r\n";

}  // namespace

TEST_CASE("acl shorthands: path_beg path_end path_sub path_dir path_len", "[sample][acl]") {
  const Request r(kGet);
  CHECK(holds({"api path_beg /api/ /admin/"}, "if api", r));
  CHECK_FALSE(holds({"api path_beg /admin/"}, "if api", r));
  CHECK(holds({"json path_end .json"}, "if json", r));
  CHECK(holds({"v2 path_sub /v2/"}, "if v2", r));
  CHECK(holds({"d path_dir v2"}, "if d", r));
  CHECK_FALSE(holds({"d path_dir v"}, "if d", r));
  CHECK(holds({"l path_len gt 10"}, "if l", r));
  CHECK(holds({"p path /api/v2/users.json"}, "if p", r));  // exact: the query is not part of path
  CHECK(holds({"u url_beg /api/v2/users.json?id="}, "if u", r));
}

TEST_CASE("acl on headers: hdr hdr_beg hdr_dom hdr_sub hdr_cnt, -i, occurrences", "[sample][acl]") {
  const Request r(kGet);
  CHECK_FALSE(holds({"h hdr(host) shop.example.org:8080"}, "if h", r));  // case matters without -i
  CHECK(holds({"h hdr(host) -i shop.example.org:8080"}, "if h", r));
  CHECK(holds({"h hdr_beg(host) -i shop."}, "if h", r));
  CHECK(holds({"h hdr_dom(host) -i example.org"}, "if h", r));  // dot-delimited words, port ignored by ':'
  CHECK_FALSE(holds({"h hdr_dom(host) -i ample.org"}, "if h", r));
  CHECK(holds({"h hdr_sub(user-agent) curl"}, "if h", r));
  CHECK(holds({"n hdr_cnt(x-list) eq 3"}, "if n", r));  // comma-separated values count
  CHECK(holds({"v hdr(x-list,-1) three"}, "if v", r));
  CHECK(holds({"v req.fhdr(x-list,1) 'one, two'"}, "if v", r));
  CHECK(holds({"h host -i shop.example.org"}, "if h", r));  // proxyd's host: without the port
  CHECK(holds({"c cook(SESSION) xyz"}, "if c", r));
  CHECK(holds({"q url_param(lang) fr"}, "if q", r));
  CHECK(holds({"m method GET"}, "if m", r));
  CHECK(holds({"f hdr(x-absent) -m found"}, "unless f", r));
}

TEST_CASE("acl on addresses and ports: src with networks, dst_port ranges", "[sample][acl]") {
  const Request r(kGet);
  CHECK(holds({"lan src 10.0.0.0/8 192.0.2.0/24"}, "if lan", r));
  CHECK_FALSE(holds({"lan src 10.0.0.0/8"}, "if lan", r));
  CHECK(holds({"tls dst_port 443"}, "if tls", r));
  CHECK(holds({"tls dst_port 400:500"}, "if tls", r));
  CHECK(holds({"p src_port ge 1024"}, "if p", r));
  CHECK(holds({"m src,ipmask(16) 192.0.0.0/16"}, "if m", r));
  CHECK(holds({}, "unless LOCALHOST", r));
  CHECK(holds({}, "if LOCALHOST", Request(kGet, "127.0.0.1:5000")));
  CHECK(holds({}, "if LOCALHOST", Request(kGet, "[::1]:5000")));
  CHECK(holds({}, "if METH_GET HTTP_1.1 TRUE", r));
  CHECK_FALSE(holds({}, "if METH_POST", r));
}

TEST_CASE("conditions: AND by juxtaposition, || and or, !, anonymous { }, unless", "[sample][acl]") {
  const Request r(kGet);
  const std::vector<std::string> acls{"api path_beg /api/", "admin path_beg /admin/", "fr url_param(lang) fr"};
  CHECK(holds(acls, "if api fr", r));
  CHECK_FALSE(holds(acls, "if api !fr", r));
  CHECK(holds(acls, "if admin || api", r));
  CHECK(holds(acls, "if admin or api fr", r));
  CHECK_FALSE(holds(acls, "if admin || !api", r));
  CHECK(holds(acls, "if ! admin", r));
  CHECK(holds(acls, "if { hdr_dom(host) -i example.org } api", r));
  CHECK_FALSE(holds(acls, "unless api", r));
  // The same name on several lines ORs them.
  CHECK(holds({"x path_beg /nope", "x path_end .json"}, "if x", r));
}

TEST_CASE("converters in acls: lower, field, word, length, arithmetic, base64", "[sample][acl]") {
  const Request r(kGet);
  CHECK(holds({"h hdr(host),lower,field(1,:) shop.example.org"}, "if h", r));
  CHECK(holds({"h hdr(host),field(2,:) 8080"}, "if h", r));
  CHECK(holds({"w path,word(2,/) v2"}, "if w", r));
  CHECK(holds({"w path,word(-1,/) users.json"}, "if w", r));
  CHECK(holds({"l path,length eq 18"}, "if l", r));
  CHECK(holds({"a dst_port,add(1),mul(2) 888"}, "if a", r));
  CHECK(holds({"b method,base64 R0VU"}, "if b", r));
  CHECK(holds({"b str(R0VU),b64dec GET"}, "if b", r));
  CHECK(holds({"u method,upper,hex 474554"}, "if u", r));
}

TEST_CASE("regular expressions: -m reg, the _reg shorthands, -i, regsub", "[sample][acl]") {
  const Request r(kGet);
  CHECK(holds({"j path_reg ^/api/v[0-9]+/.*\\.json$"}, "if j", r));
  CHECK_FALSE(holds({"j path_reg ^/api/v[0-9]+/$"}, "if j", r));
  CHECK(holds({"h hdr(host) -m reg -i ^shop\\.example\\."}, "if h", r));
  CHECK_FALSE(holds({"h hdr(host) -m reg ^shop\\.example\\."}, "if h", r));  // case matters without -i
  CHECK(holds({"s path,regsub(^/api/,/) /v2/users.json"}, "if s", r));
  CHECK(holds({"s path,regsub(/,_,g) _api_v2_users.json"}, "if s", r));
  CHECK(holds({"s path,regsub(/,_) _api/v2/users.json"}, "if s", r));                          // the first match only
  CHECK(holds({"s path,regsub(^/(api)/(v[0-9])/,/\\2/\\1/) /v2/api/users.json"}, "if s", r));  // balanced ()
  CHECK(holds({"s \"path,regsub('^/(api)/(v[0-9])/','/\\2/\\1/')\" /v2/api/users.json"}, "if s", r));  // quoted
  CHECK(holds({"s path,regsub(API,X,i) /X/v2/users.json"}, "if s", r));
  CHECK(holds({"s path,regsub(x*,-,g) -/-a-p-i-/-v-2-/-u-s-e-r-s-.-j-s-o-n-"}, "if s", r));  // empty matches
}

TEST_CASE("every predefined ACL resolves", "[sample][acl]") {
  for (const char* name :
       {"TRUE", "FALSE", "LOCALHOST", "HTTP", "HTTP_1.0", "HTTP_1.1", "HTTP_URL_SLASH", "METH_CONNECT", "METH_DELETE",
        "METH_GET", "METH_HEAD", "METH_OPTIONS", "METH_POST", "METH_PUT"}) {
    INFO(name);
    auto words = proxyd::sample::split(std::string("if ") + name);
    auto c = proxyd::sample::parse_condition(*words);
    REQUIRE(c);
    CHECK(proxyd::sample::resolve(*c, {}));
  }
}

TEST_CASE("bad acls say what is wrong, with a did-you-mean", "[sample][acl]") {
  CHECK(error_of("x pathbeg /a").find("unknown fetch 'pathbeg' (did you mean 'path'?)") != std::string::npos);
  CHECK(error_of("x path,lowr").find("unknown converter 'lowr' (did you mean 'lower'?)") != std::string::npos);
  CHECK(error_of("x hdr /a").find("fetch 'hdr' takes 1 to 2 arguments, 0 given") != std::string::npos);
  CHECK(error_of("x path -m bogus /a").find("unknown match method 'bogus'") != std::string::npos);
  CHECK(error_of("x src 10.0.0.1/8").find("is not an address or a network") != std::string::npos);
  CHECK(error_of("x dst_port 10:5").find("is not an integer or a range") != std::string::npos);
  CHECK(error_of("x path,field(a,/)").find("converter 'field'") != std::string::npos);
  CHECK(error_of("x hdr(host").find("missing ')'") != std::string::npos);
  CHECK(error_of("x path_reg ^/(a").find("regex '^/(a': column 5: missing closing parenthesis") != std::string::npos);
  CHECK(error_of("x \"path,regsub('^/(',/)\"").find("converter 'regsub': regex") != std::string::npos);
  CHECK(error_of("x path,regsub(a,b,x)").find("regsub flags: only i and g") != std::string::npos);
  CHECK(error_of("x 'path").find("unterminated single quote") != std::string::npos);

  AclTable table;
  REQUIRE(proxyd::sample::add_acl(table, "is_api path_beg /api"));
  auto words = proxyd::sample::split("if is_apl");
  auto c = proxyd::sample::parse_condition(*words);
  REQUIRE(c);
  const auto resolved = proxyd::sample::resolve(*c, table);
  REQUIRE_FALSE(resolved);
  CHECK(resolved.error().describe() == "no ACL named 'is_apl' (did you mean 'is_api'?)");
  for (const char* bad : {"if", "if a ||", "if || a", "if { path", "when a", "if a !"}) {
    INFO(bad);
    auto w = proxyd::sample::split(bad);
    CHECK_FALSE(proxyd::sample::parse_condition(*w));
  }
}

TEST_CASE("split_condition separates a rule's words from its condition", "[sample][acl]") {
  const auto g = proxyd::sample::split_condition("be_api if api || { src 10.0.0.0/8 }");
  REQUIRE(g);
  REQUIRE(g->words.size() == 1);
  CHECK(g->words[0].text == "be_api");
  REQUIRE(g->condition);
  CHECK(g->condition->text == "if api || { src 10.0.0.0/8 }");
  CHECK(g->condition->any_of.size() == 2);
  const auto none = proxyd::sample::split_condition("deny status 403");
  REQUIRE(none);
  CHECK_FALSE(none->condition);
  CHECK(none->words.size() == 3);
  const auto quoted = proxyd::sample::split_condition("set-header X-Note \"if this\" if TRUE");
  REQUIRE(quoted);
  CHECK(quoted->words.size() == 3);
  CHECK(quoted->words[2].text == "if this");
}
