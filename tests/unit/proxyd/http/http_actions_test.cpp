#include "proxyd/core/http/http_actions.h"

#include <catch2/catch.hpp>

#include "common/core/text.h"
#include "proxyd/core/sample/library.h"

using proxyd::http::ActionResult;
using proxyd::http::HttpAction;
using proxyd::http::RuleSet;

namespace {

struct Fixture {
  std::string bytes =
      "GET /app/page?x=1 HTTP/1.1\r\nHost: www.example.org\r\nX-Tenant: blue\r\nX-List: a1, b2,a3\r\n\r\n";
  proxyd::http::HeadParser parser{proxyd::http::MessageKind::Request, {}};
  proxyd::http::EditableHead head;
  proxyd::sample::Library lib;
  proxyd::sample::Variables vars{&lib.proc_variables};
  proxyd::sample::Context ctx;

  Fixture() {
    REQUIRE(parser.parse(bytes).status == proxyd::http::HeadResult::Status::Done);
    ctx.src = *common::net::Endpoint::parse("192.0.2.7:40000");
    ctx.dst = *common::net::Endpoint::parse("10.0.0.10:8443");
    ctx.frontend = "www";
    ctx.library = &lib;
    ctx.vars = &vars;
  }

  // Runs the request rules <values> on a fresh copy of the request.
  ActionResult run(const std::vector<std::string>& values) {
    std::vector<HttpAction> rules;
    for (const auto& v : values) {
      auto a = proxyd::http::parse_http_action(v, RuleSet::Request, &lib);
      INFO(v << ": " << (a ? std::string() : a.error().describe()));
      REQUIRE(a);
      if (a->condition) REQUIRE(proxyd::sample::resolve(*a->condition, {}));
      rules.push_back(std::move(*a));
    }
    head.reset(parser.head(), bytes);
    ctx.request = &head.head();
    ActionResult r;
    proxyd::http::run_actions(rules, ctx, head, r);
    return r;
  }
  std::string header(std::string_view name) const { return std::string(head.head().header(name).value_or("<none>")); }
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& f : head.head().headers) n += common::text::iequals(f.name, name) ? 1u : 0u;
    return n;
  }
  std::string target() const { return std::string(head.head().target); }
};

std::string error_of(const std::string& value, RuleSet set = RuleSet::Request) {
  proxyd::sample::Library lib;
  const auto a = proxyd::http::parse_http_action(value, set, &lib);
  return a ? std::string() : a.error().describe();
}

}  // namespace

TEST_CASE("set-header, add-header and del-header apply at once, in order", "[http][actions]") {
  Fixture f;
  const auto r = f.run({"set-header X-Forwarded-Port %[dst_port]", "add-header X-Client %[src] if { src 192.0.2.0/24 }",
                        "add-header X-Never no if { src 10.0.0.0/8 }", "del-header X-Tenant",
                        "set-header X-Host %[req.hdr(host),upper]", "add-header X-Client second",
                        // a later rule sees the edits
                        "set-header X-Seen yes if { hdr(x-host) WWW.EXAMPLE.ORG } !{ hdr(x-tenant) -m found }"});
  CHECK(r.stop == ActionResult::Stop::None);
  CHECK(f.header("X-Forwarded-Port") == "8443");
  CHECK(f.header("X-Client") == "192.0.2.7");
  CHECK(f.count("X-Client") == 2);
  CHECK(f.header("X-Never") == "<none>");
  CHECK(f.header("X-Tenant") == "<none>");
  CHECK(f.header("X-Seen") == "yes");
  CHECK(f.header("Host") == "www.example.org");  // untouched fields stay
}

TEST_CASE("the target actions, and later rules see the new target", "[http][actions]") {
  Fixture f;
  f.run({"set-path /prefix%[path]"});
  CHECK(f.target() == "/prefix/app/page?x=1");
  const auto r = f.run({"set-path /prefix%[path]", "redirect prefix https://cdn.example.org code 301"});
  CHECK(r.response.find("Location: https://cdn.example.org/prefix/app/page?x=1\r\n") != std::string::npos);
  f.run({"set-query a=%[src]"});
  CHECK(f.target() == "/app/page?a=192.0.2.7");
  f.run({"set-query %[req.hdr(x-none)]"});
  CHECK(f.target() == "/app/page");
  f.run({"set-pathq /x?y=1"});
  CHECK(f.target() == "/x?y=1");
  f.run({"set-uri /%[req.hdr(x-tenant)]"});
  CHECK(f.target() == "/blue");
  f.run({"replace-uri ^/app/(.*)\\?x=(.*) /v2/\\1/\\2"});
  CHECK(f.target() == "/v2/page/1");
  f.run({"replace-pathq ^(.*)\\?x=1$ \\1?x=2"});
  CHECK(f.target() == "/app/page?x=2");
  f.run({"set-method POST", "set-header X-M %[method]"});
  CHECK(f.head.head().method == "POST");
  CHECK(f.header("X-M") == "POST");
}

TEST_CASE("normalize-uri's normalizers", "[http][actions]") {
  using proxyd::http::normalize_target;
  using N = proxyd::http::Normalizer;
  CHECK(normalize_target("//a///b/?q=//", N::MergeSlashes) == "/a/b/?q=//");
  CHECK(normalize_target("/a/./b/.", N::StripDot) == "/a/b/");
  CHECK(normalize_target("/a/b/../c/../../d?x", N::StripDotDot) == "/d?x");
  CHECK(normalize_target("/../a", N::StripDotDot) == "/a");
  CHECK(normalize_target("/a%2fb%3a", N::PercentUpper) == "/a%2Fb%3A");
  CHECK(normalize_target("/p?b=2&a=1&b=1", N::SortQuery) == "/p?a=1&b=2&b=1");
  CHECK(normalize_target("/p?x#frag", N::StripFragment) == "/p?x");
  Fixture f;
  f.run({"normalize-uri path-merge-slashes"});
  CHECK(f.target() == "/app/page?x=1");
}

TEST_CASE("deny, tarpit, auth, return and redirect stop the pass, allow stops it without answering",
          "[http][actions]") {
  Fixture f;
  auto r = f.run({"deny if { hdr(x-tenant) blue }", "set-header X-After 1"});
  CHECK(r.stop == ActionResult::Stop::Deny);
  CHECK(r.status == 403);
  CHECK(r.response.empty());  // proxyd's error page for 403
  CHECK(f.header("X-After") == "<none>");

  r = f.run({"deny deny_status 429 content-type text/plain string slow-down"});
  CHECK(r.status == 429);
  CHECK(r.response.find("HTTP/1.1 429 Too Many Requests\r\n") == 0);
  CHECK(r.response.ends_with("\r\n\r\nslow-down"));

  r = f.run({"tarpit"});
  CHECK(r.stop == ActionResult::Stop::Tarpit);
  CHECK(r.status == 500);
  r = f.run({"tarpit deny_status 403"});
  CHECK(r.status == 403);

  r = f.run({"auth realm Admins if !{ src 10.0.0.0/8 }"});
  CHECK(r.stop == ActionResult::Stop::Auth);
  CHECK(r.response.starts_with("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"Admins\"\r\n"));
  r = f.run({"auth"});
  CHECK(r.response.find("WWW-Authenticate: Basic realm=\"www\"\r\n") != std::string::npos);  // the proxy's name

  r =
      f.run({"return status 200 content-type \"text/plain; charset=utf-8\" lf-string \"you are %[src]\" "
             "hdr Cache-Control no-store if { path_beg /app }"});
  CHECK(r.stop == ActionResult::Stop::Return);
  CHECK(r.response.find("Content-Type: text/plain; charset=utf-8\r\n") != std::string::npos);
  CHECK(r.response.find("Cache-Control: no-store\r\n") != std::string::npos);
  CHECK(r.response.find("Content-Length: 17\r\n") != std::string::npos);
  CHECK(r.response.ends_with("you are 192.0.2.7"));

  r = f.run({"return status 503 content-type text/html file /srv/maint.html"});
  *f.lib.body_files.at("/srv/maint.html") = "<p>back soon</p>";  // what the adapter loads
  r = f.run({"return status 503 content-type text/html file /srv/maint.html"});
  CHECK(r.response.ends_with("\r\n\r\n<p>back soon</p>"));

  r = f.run({"redirect scheme https code 301 unless { ssl_fc }"});
  CHECK(r.stop == ActionResult::Stop::Redirect);
  CHECK(r.response.find("Location: https://www.example.org/app/page?x=1\r\n") != std::string::npos);
  r = f.run({"redirect location https://%[req.hdr(host)]/moved"});
  CHECK(r.status == 302);
  CHECK(r.response.find("Location: https://www.example.org/moved\r\n") != std::string::npos);

  r = f.run({"allow if { src 192.0.2.0/24 }", "deny"});
  CHECK(r.stop == ActionResult::Stop::Allow);
  r = f.run({"set-log-level silent"});
  CHECK(r.log_level == "silent");
}

TEST_CASE("replace-header, replace-value and replace-path rewrite with back-references", "[http][actions]") {
  Fixture f;
  f.run({"replace-header X-Tenant (bl)(ue) \\2-\\1", "replace-header Host nomatch x"});
  CHECK(f.header("X-Tenant") == "ue-bl");
  CHECK(f.header("Host") == "www.example.org");
  f.run({"replace-value X-List ^a(.*)$ z\\1"});
  CHECK(f.header("X-List") == "z1, b2,z3");  // separators kept, as HAProxy
  f.run({"replace-path ^/app/(.*) /v2/\\1"});
  CHECK(f.target() == "/v2/page?x=1");
  f.run({"replace-path ^/nomatch/ /x"});
  CHECK(f.target() == "/app/page?x=1");
}

TEST_CASE("variables: set-var, set-var-fmt, unset-var and var() by scope", "[http][actions][vars]") {
  Fixture f;
  f.run({"set-var(txn.host) req.hdr(host),lower", "set-var-fmt(sess.who) %[src]:%[dst_port]",
         "set-var(proc.hits) int(7)", "set-header X-H %[var(txn.host)]", "set-header X-W %[var(sess.who)]",
         "set-header X-D %[var(txn.none,dflt)]", "set-header X-P %[var(proc.hits),add(1)]"});
  CHECK(f.header("X-H") == "www.example.org");
  CHECK(f.header("X-W") == "192.0.2.7:8443");
  CHECK(f.header("X-D") == "dflt");
  CHECK(f.header("X-P") == "8");
  f.run({"unset-var(txn.host)", "set-header X-H %[var(txn.host)]", "deny if { var(sess.who) -m beg 192.0.2. }"});
  CHECK(f.header("X-H").empty());
  f.vars.clear(proxyd::sample::VarScope::Sess);
  const auto r = f.run({"deny if { var(sess.who) -m found }"});
  CHECK(r.stop == ActionResult::Stop::None);
  CHECK(error_of("set-var(nope.x) src").find("unknown scope 'nope'") != std::string::npos);
  CHECK(error_of("set-var(txn.x)").find("expects one EXPRESSION") != std::string::npos);
  CHECK(error_of("set-header X %[var(x)]").find("expected SCOPE.NAME") != std::string::npos);
  CHECK(error_of("set-var txn.x src").find("expected NAME(SCOPE.VARIABLE)") != std::string::npos);
  CHECK(error_of("deny if { var(txn.x) a }").find("name the match method first") != std::string::npos);
}

TEST_CASE("capture takes a sample into a slot, cut to the rule's length, when its condition holds", "[http][actions]") {
  Fixture f;
  std::vector<HttpAction> rules;
  for (const char* v : {"capture req.hdr(host) len 7", "capture path id 3", "capture req.hdr(x-none) id 4",
                        "capture method id 5 if { path_beg /nope }"}) {
    auto a = proxyd::http::parse_http_action(v, RuleSet::Request, &f.lib);
    REQUIRE(a);
    if (a->condition) REQUIRE(proxyd::sample::resolve(*a->condition, {}));
    rules.push_back(std::move(*a));
  }
  CHECK(rules[0].capture_len == 7);
  CHECK_FALSE(rules[0].capture_id);  // the configuration numbers `len` slots
  rules[0].capture_id = 1;
  f.head.reset(f.parser.head(), f.bytes);
  f.ctx.request = &f.head.head();
  ActionResult r;
  proxyd::http::run_actions(rules, f.ctx, f.head, r);
  using Taken = std::vector<std::pair<std::size_t, std::string>>;
  // The absent header takes nothing (HAProxy leaves the slot empty).
  CHECK(r.captures == Taken{{1, "www.exa"}, {3, "/app/page"}});
}

TEST_CASE("bad http_request and http_response rules say what is wrong", "[http][actions]") {
  CHECK(error_of("sethdr X 1").find("unknown http_request action 'sethdr'") != std::string::npos);
  CHECK(error_of("set-header X").find("set-header expects NAME VALUE") != std::string::npos);
  CHECK(error_of("set-header X %[srcc]").find("unknown fetch 'srcc' (did you mean 'src'?)") != std::string::npos);
  CHECK(error_of("set-header X %[src").find("'%[' without ']'") != std::string::npos);
  CHECK(error_of("set-header X %ci").find("log-format variable '%c' is not supported here") != std::string::npos);
  CHECK(error_of("deny deny_status 99").find("expected an HTTP status") != std::string::npos);
  CHECK(error_of("return string x").find("a body needs content-type") != std::string::npos);
  CHECK(error_of("replace-header Location (x y").find("column 25: regex '(x'") != std::string::npos);
  CHECK(error_of("replace-path /a").find("replace-path expects REGEX REPLACEMENT") != std::string::npos);
  CHECK(error_of("redirect location /x code 200").find("redirect code") != std::string::npos);
  CHECK(error_of("deny if").find("empty") != std::string::npos);
  CHECK(error_of("set-status 200", RuleSet::Request).find("unknown http_request action 'set-status'") !=
        std::string::npos);
  CHECK(error_of("set-path /x", RuleSet::Response).find("unknown http_response action 'set-path'") !=
        std::string::npos);
  CHECK(error_of("set-status 99", RuleSet::Response).find("set-status expects") != std::string::npos);
  CHECK(error_of("set-log-level loud").find("set-log-level expects") != std::string::npos);
  CHECK(error_of("use-service lua.hello").find("proxyd's only service is prometheus-exporter") != std::string::npos);
  CHECK(error_of("use-service").find("use-service takes the name of a service") != std::string::npos);
  CHECK(error_of("use-service prometheus-exporter", RuleSet::Response)
            .find("unknown http_response action 'use-service'") != std::string::npos);
  CHECK(error_of("normalize-uri path-nothing").find("normalize-uri expects") != std::string::npos);
  CHECK(error_of("auth realm").find("auth expects [realm REALM]") != std::string::npos);
  CHECK(error_of("capture path").find("capture expects SAMPLE len N or SAMPLE id N") != std::string::npos);
  CHECK(error_of("capture path len 0").find("column 18: capture expects") != std::string::npos);
  CHECK(error_of("capture path len 4", RuleSet::Response).find("capture expects SAMPLE id N") != std::string::npos);
  CHECK(error_of("capture pth len 4").find("unknown fetch 'pth'") != std::string::npos);
  CHECK(error_of("capture res.hdr(server) id 1", RuleSet::Response).empty());
  CHECK(error_of("del-header Server", RuleSet::Response).empty());
  CHECK(error_of("set-status 418 reason \"I'm a teapot\"", RuleSet::Response).empty());
}

TEST_CASE("reqrep and reqirep (HAProxy 1.x): the request line and each header line, replaced whole",
          "[http][actions]") {
  Fixture f;
  // The corpus' form: a path prefix dropped from the request line.
  f.run({"reqrep ^([^\\ :]*)\\ /app/(.*) \\1\\ /\\2"});
  CHECK(f.target() == "/page?x=1");
  CHECK(std::string(f.head.head().method) == "GET");
  // A header line: renamed and rewritten; reqirep ignores case.
  f.run({"reqirep ^x-tenant:\\ (.*) X-Team:\\ \\1"});
  CHECK(f.header("X-Team") == "blue");
  CHECK(f.header("X-Tenant") == "<none>");
  // A replacement without a name removes the line; no match changes nothing.
  f.run({"reqrep ^X-List:.* gone", "reqrep ^Nothing:.* x"});
  CHECK(f.header("X-List") == "<none>");
  CHECK(f.header("Host") == "www.example.org");
  CHECK(error_of("reqrep onlyone") == "reqrep expects REGEX STRING");
  CHECK(error_of("rsprep ^X:.* Y:\\ 1", RuleSet::Response).empty());
  CHECK_FALSE(error_of("rsprep ^X:.* Y", RuleSet::Request).empty());
}

TEST_CASE("redirect's drop-query and append-slash, as HAProxy's", "[http][actions]") {
  Fixture f;
  auto r = f.run({"redirect scheme https drop-query append-slash"});
  CHECK(r.response.find("Location: https://www.example.org/app/page/\r\n") != std::string::npos);
  r = f.run({"redirect prefix https://new.example.org drop-query"});
  CHECK(r.response.find("Location: https://new.example.org/app/page\r\n") != std::string::npos);
  // Without drop-query HAProxy looks at the last character of the query.
  r = f.run({"redirect scheme https append-slash code 301"});
  CHECK(r.status == 301);
  CHECK(r.response.find("Location: https://www.example.org/app/page?x=1/\r\n") != std::string::npos);
  CHECK(error_of("redirect scheme https set-cookie X") ==
        "redirect: option 'set-cookie' is not supported (code N, drop-query and append-slash are)");
}
