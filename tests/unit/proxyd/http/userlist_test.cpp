#include "proxyd/core/http/userlist.h"

#include <catch2/catch.hpp>
#include <map>

#include "proxyd/core/http/basic_auth.h"
#include "proxyd/core/sample/acl.h"
#include "proxyd/core/sample/library.h"

using proxyd::http::Userlist;

namespace {

// "Basic " and base64 of <user_pass> (the pairs the tests use).
std::string basic(const std::string& user_pass) {
  static const std::map<std::string, std::string> kEncoded{
      {"alice:s3cret", "YWxpY2U6czNjcmV0"},
      {"alice:wrong", "YWxpY2U6d3Jvbmc="},
      {"bob:hunter2", "Ym9iOmh1bnRlcjI="},
      {"bob:hunter", "Ym9iOmh1bnRlcg=="},
      {"mallory:s3cret", "bWFsbG9yeTpzM2NyZXQ="},
      {"carol:c", "Y2Fyb2w6Yw=="},
      {"alice:pw", "YWxpY2U6cHc="},
      {"bob:pw2", "Ym9iOnB3Mg=="},
      {"bob:pw", "Ym9iOnB3"},
  };
  return "Basic " + kEncoded.at(user_pass);
}

// crypt("s3cret", "$6$saltsalt"), as `mkpasswd -m sha-512 -S saltsalt s3cret` makes it.
constexpr const char* kSha512 =
    "$6$saltsalt$As4wrv0kZlfch1du9WeH7qhskyLriQWySXrZzynnvi46nFnNxjdpl6ksRegrrKexvhIa/Iny8S8uF3fVWTMuC1";

}  // namespace

TEST_CASE("userlists: crypt(3) hashes, insecure passwords and groups", "[http][userlist]") {
  Userlist list("admins");
  REQUIRE(list.add_group("ops"));
  REQUIRE(list.add_group("dev users carol"));
  REQUIRE(list.add_user(std::string("alice password ") + kSha512 + " groups ops"));
  REQUIRE(list.add_user("bob insecure-password hunter2"));
  REQUIRE(list.add_user("carol insecure-password c"));
  REQUIRE(list.check());
  const auto* alice = list.authenticate(basic("alice:s3cret"));
  REQUIRE(alice != nullptr);
  CHECK(alice->name == "alice");
  CHECK(list.groups_of(*alice) == std::vector<std::string>{"ops"});
  CHECK(list.authenticate(basic("alice:wrong")) == nullptr);
  CHECK(list.authenticate(basic("bob:hunter2")) != nullptr);
  CHECK(list.authenticate(basic("bob:hunter")) == nullptr);
  CHECK(list.authenticate(basic("mallory:s3cret")) == nullptr);
  CHECK(list.authenticate("Bearer abc") == nullptr);
  CHECK(list.groups_of(*list.authenticate(basic("carol:c"))) == std::vector<std::string>{"dev"});
  CHECK(proxyd::http::crypt_matches("s3cret", kSha512));
  CHECK_FALSE(proxyd::http::crypt_matches("s3cret", "*"));
}

TEST_CASE("userlist lines with mistakes are refused", "[http][userlist]") {
  Userlist list;
  CHECK_FALSE(list.add_user("alice password notahash"));
  CHECK_FALSE(list.add_user("alice secret x"));
  CHECK_FALSE(list.add_user("alice insecure-password x members ops"));
  REQUIRE(list.add_user("alice insecure-password x groups nope"));
  CHECK_FALSE(list.add_user("alice insecure-password y"));  // twice
  CHECK_FALSE(list.check());                                // group nope is not defined
  Userlist other;
  REQUIRE(other.add_group("g users ghost"));
  CHECK_FALSE(other.check());
  CHECK_FALSE(other.add_group("g"));
}

TEST_CASE("http_auth() and http_auth_group() check the request's credentials", "[http][userlist][acl]") {
  proxyd::sample::Library lib;
  Userlist list("L1");
  REQUIRE(list.add_group("admin"));
  REQUIRE(list.add_user("alice insecure-password pw groups admin"));
  REQUIRE(list.add_user("bob insecure-password pw2"));
  lib.userlists.emplace("L1", std::move(list));
  proxyd::sample::AclTable table;
  REQUIRE(proxyd::sample::add_acl(table, "authed http_auth(L1)", &lib));
  REQUIRE(proxyd::sample::add_acl(table, "admins http_auth_group(L1) admin", &lib));
  CHECK_FALSE(proxyd::sample::add_acl(table, "x http_auth(L2)", &lib));  // no such userlist
  auto check = [&](const std::string& authorization, const char* acl) {
    std::string bytes = "GET / HTTP/1.1\r\nHost: x\r\n" +
                        (authorization.empty() ? std::string() : "Authorization: " + authorization + "\r\n") + "\r\n";
    proxyd::http::HeadParser parser{proxyd::http::MessageKind::Request, {}};
    REQUIRE(parser.parse(bytes).status == proxyd::http::HeadResult::Status::Done);
    proxyd::sample::Context ctx;
    ctx.request = &parser.head();
    ctx.library = &lib;
    return evaluate(*table.at(acl), ctx);
  };
  CHECK(check(basic("alice:pw"), "authed"));
  CHECK(check(basic("alice:pw"), "admins"));
  CHECK(check(basic("bob:pw2"), "authed"));
  CHECK_FALSE(check(basic("bob:pw2"), "admins"));
  CHECK_FALSE(check(basic("bob:pw"), "authed"));
  CHECK_FALSE(check("", "authed"));
}
